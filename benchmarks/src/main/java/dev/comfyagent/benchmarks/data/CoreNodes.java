package dev.comfyagent.benchmarks.data;

import static dev.comfyagent.benchmarks.data.Inputs.combo;
import static dev.comfyagent.benchmarks.data.Inputs.decimal;
import static dev.comfyagent.benchmarks.data.Inputs.integer;
import static dev.comfyagent.benchmarks.data.Inputs.link;
import static dev.comfyagent.benchmarks.data.Inputs.linkWithTooltip;
import static dev.comfyagent.benchmarks.data.Inputs.seed;
import static dev.comfyagent.benchmarks.data.Inputs.text;

import dev.comfyagent.benchmarks.data.NodeClassSpec.Input;
import dev.comfyagent.benchmarks.data.NodeClassSpec.Output;
import java.util.ArrayList;
import java.util.List;

/**
 * ComfyUI's own nodes that SDXL workflows use, with the inputs, defaults and bounds ComfyUI
 * declares for them, so the catalog validates the SDXL graph as ComfyUI would.
 */
final class CoreNodes {

  private static final List<String> HIDDEN_OUTPUT = List.of("prompt", "extra_pnginfo");

  private CoreNodes() {}

  static List<NodeClassSpec> all() {
    List<NodeClassSpec> all = new ArrayList<>();
    List<String> ckpts = Vocabulary.CHECKPOINTS;
    all.add(
        node(
            "CheckpointLoaderSimple",
            "Load Checkpoint",
            "loaders",
            "Loads a diffusion model checkpoint.",
            List.of(combo("ckpt_name", ckpts)),
            outputs("MODEL", "CLIP", "VAE")));
    all.add(
        node(
            "CLIPTextEncode",
            "CLIP Text Encode (Prompt)",
            "conditioning",
            "Encodes a text prompt using a CLIP model into an embedding.",
            List.of(text("text", true, null), linkWithTooltip("clip", "CLIP", "The CLIP model.")),
            outputs("CONDITIONING")));
    all.add(
        node(
            "EmptyLatentImage",
            "Empty Latent Image",
            "latent",
            "Create a new batch of empty latent images to be denoised via sampling.",
            List.of(
                integer("width", 512, 16, 16384, 8),
                integer("height", 512, 16, 16384, 8),
                integer("batch_size", 1, 1, 4096, 1)),
            outputs("LATENT")));
    all.add(
        node(
            "KSampler",
            "KSampler",
            "sampling",
            "Uses the provided model, positive and negative conditioning to denoise the latent.",
            List.of(
                link("model", "MODEL"),
                seed("seed"),
                integer("steps", 20, 1, 10000, 1),
                decimal("cfg", 8.0, 0.0, 100.0, 0.1),
                combo("sampler_name", Vocabulary.SAMPLERS),
                combo("scheduler", Vocabulary.SCHEDULERS),
                link("positive", "CONDITIONING"),
                link("negative", "CONDITIONING"),
                link("latent_image", "LATENT"),
                decimal("denoise", 1.0, 0.0, 1.0, 0.01)),
            outputs("LATENT")));
    all.add(
        node(
            "KSamplerAdvanced",
            "KSampler (Advanced)",
            "sampling",
            "KSampler with control over the step range and leftover noise.",
            List.of(
                link("model", "MODEL"),
                combo("add_noise", List.of("enable", "disable")),
                seed("noise_seed"),
                integer("steps", 20, 1, 10000, 1),
                decimal("cfg", 8.0, 0.0, 100.0, 0.1),
                combo("sampler_name", Vocabulary.SAMPLERS),
                combo("scheduler", Vocabulary.SCHEDULERS),
                link("positive", "CONDITIONING"),
                link("negative", "CONDITIONING"),
                link("latent_image", "LATENT"),
                integer("start_at_step", 0, 0, 10000, 1),
                integer("end_at_step", 10000, 0, 10000, 1),
                combo("return_with_leftover_noise", List.of("disable", "enable"))),
            outputs("LATENT")));
    all.add(
        node(
            "VAEDecode",
            "VAE Decode",
            "latent",
            "Decodes latent images back into pixel space images.",
            List.of(link("samples", "LATENT"), link("vae", "VAE")),
            outputs("IMAGE")));
    all.add(
        node(
            "VAEEncode",
            "VAE Encode",
            "latent",
            "Encodes pixel space images into latent images.",
            List.of(link("pixels", "IMAGE"), link("vae", "VAE")),
            outputs("LATENT")));
    all.add(
        node(
            "VAELoader",
            "Load VAE",
            "loaders",
            "Loads a VAE.",
            List.of(combo("vae_name", List.of("sdxl_vae.safetensors", "ae.safetensors"))),
            outputs("VAE")));
    all.add(
        node(
            "LoraLoader",
            "Load LoRA",
            "loaders",
            "LoRAs modify diffusion and CLIP models, altering the way in which latents are denoised.",
            List.of(
                link("model", "MODEL"),
                link("clip", "CLIP"),
                combo(
                    "lora_name",
                    List.of(
                        "add-detail-xl.safetensors",
                        "sdxl_lightning_4step_lora.safetensors",
                        "pixel-art-xl.safetensors")),
                decimal("strength_model", 1.0, -100.0, 100.0, 0.01),
                decimal("strength_clip", 1.0, -100.0, 100.0, 0.01)),
            outputs("MODEL", "CLIP")));
    all.add(
        node(
            "LoadImage",
            "Load Image",
            "image",
            "Loads an image from the input folder.",
            List.of(combo("image", List.of("example.png", "plate_0001.exr.png", "ref.jpg"))),
            outputs("IMAGE", "MASK")));
    all.add(
        new NodeClassSpec(
            "SaveImage",
            "Save Image",
            "image",
            "nodes",
            "Saves the input images to your ComfyUI output directory.",
            List.of(link("images", "IMAGE"), text("filename_prefix", false, "ComfyUI")),
            List.of(),
            HIDDEN_OUTPUT,
            List.of(),
            true));
    all.add(
        new NodeClassSpec(
            "PreviewImage",
            "Preview Image",
            "image",
            "nodes",
            "Saves the input images to your ComfyUI temp directory.",
            List.of(link("images", "IMAGE")),
            List.of(),
            HIDDEN_OUTPUT,
            List.of(),
            true));
    all.add(
        node(
            "ImageScale",
            "Upscale Image",
            "image/upscaling",
            "Resizes the image.",
            List.of(
                link("image", "IMAGE"),
                combo("upscale_method", Vocabulary.UPSCALE_METHODS),
                integer("width", 512, 0, 16384, 1),
                integer("height", 512, 0, 16384, 1),
                combo("crop", List.of("disabled", "center"))),
            outputs("IMAGE")));
    all.add(
        node(
            "UpscaleModelLoader",
            "Load Upscale Model",
            "loaders",
            "Loads an upscale model.",
            List.of(combo("model_name", List.of("4x-UltraSharp.pth", "RealESRGAN_x4plus.pth"))),
            outputs("UPSCALE_MODEL")));
    all.add(
        node(
            "ImageUpscaleWithModel",
            "Upscale Image (using Model)",
            "image/upscaling",
            "Upscales the image with an upscale model.",
            List.of(link("upscale_model", "UPSCALE_MODEL"), link("image", "IMAGE")),
            outputs("IMAGE")));
    all.add(
        node(
            "ControlNetLoader",
            "Load ControlNet Model",
            "loaders",
            "Loads a ControlNet model.",
            List.of(
                combo(
                    "control_net_name",
                    List.of(
                        "controlnet-canny-sdxl-1.0.safetensors", "depth-zoe-xl-v1.0.safetensors"))),
            outputs("CONTROL_NET")));
    all.add(
        new NodeClassSpec(
            "ControlNetApplyAdvanced",
            "Apply ControlNet",
            "conditioning/controlnet",
            "nodes",
            "Applies a ControlNet to positive and negative conditioning.",
            List.of(
                link("positive", "CONDITIONING"),
                link("negative", "CONDITIONING"),
                link("control_net", "CONTROL_NET"),
                link("image", "IMAGE"),
                decimal("strength", 1.0, 0.0, 10.0, 0.01),
                decimal("start_percent", 0.0, 0.0, 1.0, 0.001),
                decimal("end_percent", 1.0, 0.0, 1.0, 0.001)),
            List.of(link("vae", "VAE")),
            List.of(),
            List.of(
                new Output("CONDITIONING", "positive", false),
                new Output("CONDITIONING", "negative", false)),
            false));
    all.add(
        node(
            "CLIPSetLastLayer",
            "CLIP Set Last Layer",
            "conditioning",
            "Stops the CLIP model at an earlier layer.",
            List.of(link("clip", "CLIP"), integer("stop_at_clip_layer", -1, -24, -1, 1)),
            outputs("CLIP")));
    all.add(
        node(
            "ConditioningCombine",
            "Conditioning (Combine)",
            "conditioning",
            "Combines two conditionings.",
            List.of(link("conditioning_1", "CONDITIONING"), link("conditioning_2", "CONDITIONING")),
            outputs("CONDITIONING")));
    all.add(
        node(
            "LatentUpscale",
            "Upscale Latent",
            "latent",
            "Resizes latent images.",
            List.of(
                link("samples", "LATENT"),
                combo("upscale_method", Vocabulary.UPSCALE_METHODS),
                integer("width", 1024, 0, 16384, 8),
                integer("height", 1024, 0, 16384, 8),
                combo("crop", List.of("disabled", "center"))),
            outputs("LATENT")));
    all.add(
        node(
            "ImageInvert",
            "Invert Image",
            "image",
            "Inverts the colours of the image.",
            List.of(link("image", "IMAGE")),
            outputs("IMAGE")));
    all.add(
        node(
            "ImageBlend",
            "Image Blend",
            "image/postprocessing",
            "Blends two images.",
            List.of(
                link("image1", "IMAGE"),
                link("image2", "IMAGE"),
                decimal("blend_factor", 0.5, 0.0, 1.0, 0.01),
                combo(
                    "blend_mode",
                    List.of("normal", "multiply", "screen", "overlay", "soft_light", "difference"),
                    true)),
            outputs("IMAGE")));
    all.add(
        node(
            "SetLatentNoiseMask",
            "Set Latent Noise Mask",
            "latent/inpaint",
            "Restricts denoising to the masked area.",
            List.of(link("samples", "LATENT"), link("mask", "MASK")),
            outputs("LATENT")));
    all.add(
        node(
            "SolidMask",
            "SolidMask",
            "mask",
            "A mask of one value.",
            List.of(
                decimal("value", 1.0, 0.0, 1.0, 0.01),
                integer("width", 512, 1, 16384, 1),
                integer("height", 512, 1, 16384, 1)),
            outputs("MASK")));
    return all;
  }

  private static NodeClassSpec node(
      String name,
      String displayName,
      String category,
      String description,
      List<Input> required,
      List<Output> outputs) {
    return new NodeClassSpec(
        name,
        displayName,
        category,
        "nodes",
        description,
        required,
        List.of(),
        List.of(),
        outputs,
        false);
  }

  private static List<Output> outputs(String... types) {
    List<Output> outputs = new ArrayList<>();
    for (String type : types) {
      outputs.add(new Output(type, type, false));
    }
    return outputs;
  }
}
