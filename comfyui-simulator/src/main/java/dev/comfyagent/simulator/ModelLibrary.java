package dev.comfyagent.simulator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The model folders and input files the simulator pretends to have on disk, as ComfyUI's {@code
 * folder_paths} would list them: {@code GET /models}, {@code GET /models/{folder}} and the choice
 * lists of loader inputs in {@code /object_info} ({@code ckpt_name}, {@code lora_name}, ...) are
 * all answered from here, so a test that adds a checkpoint sees it everywhere at once.
 *
 * <p>Thread-safe: every method synchronizes on the instance and returns copies.
 */
final class ModelLibrary {

  /** The folder names a current ComfyUI reports from {@code GET /models}, in its order. */
  private static final List<String> FOLDERS =
      List.of(
          "checkpoints",
          "configs",
          "loras",
          "vae",
          "text_encoders",
          "diffusion_models",
          "clip_vision",
          "style_models",
          "embeddings",
          "diffusers",
          "vae_approx",
          "controlnet",
          "gligen",
          "upscale_models",
          "latent_upscale_models",
          "custom_nodes",
          "hypernetworks",
          "photomaker",
          "classifiers",
          "model_patches",
          "audio_encoders");

  private final Map<String, List<String>> files = new LinkedHashMap<>();
  private final List<String> inputFiles = new ArrayList<>();

  ModelLibrary() {
    for (String folder : FOLDERS) {
      files.put(folder, new ArrayList<>());
    }
    add(
        "checkpoints",
        "dreamshaper_8.safetensors",
        "sd_xl_base_1.0.safetensors",
        "sd_xl_refiner_1.0.safetensors",
        "v1-5-pruned-emaonly.safetensors");
    add(
        "configs",
        "anything_v3.yaml",
        "v1-inference.yaml",
        "v1-inference_clip_skip_2.yaml",
        "v2-inference-v.yaml",
        "v2-inference.yaml");
    add(
        "loras",
        "add-detail-xl.safetensors",
        "film_grain_v2.safetensors",
        "pixel-art-xl.safetensors");
    add(
        "vae",
        "ae.safetensors",
        "sdxl_vae.safetensors",
        "vae-ft-mse-840000-ema-pruned.safetensors");
    add(
        "text_encoders",
        "clip_g.safetensors",
        "clip_l.safetensors",
        "t5xxl_fp8_e4m3fn.safetensors");
    add("diffusion_models", "flux1-dev.safetensors", "flux1-schnell.safetensors");
    add("clip_vision", "CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors", "clip_vision_g.safetensors");
    add("embeddings", "EasyNegative.safetensors");
    add(
        "controlnet",
        "control_v11f1p_sd15_depth.pth",
        "control_v11p_sd15_canny.pth",
        "controlnet-canny-sdxl-1.0.safetensors");
    add("upscale_models", "4x-UltraSharp.pth", "4x_NMKD-Siax_200k.pth", "RealESRGAN_x4plus.pth");
    inputFiles.addAll(List.of("example.png", "mask_hero.png", "plate_0001.png"));
  }

  /** The folder names, in ComfyUI's order. */
  synchronized List<String> folders() {
    return List.copyOf(files.keySet());
  }

  /** The files of one folder, sorted like ComfyUI sorts them; empty when the folder is unknown. */
  synchronized Optional<List<String>> files(String folder) {
    List<String> list = files.get(folder);
    if (list == null) {
      return Optional.empty();
    }
    List<String> sorted = new ArrayList<>(list);
    Collections.sort(sorted, String.CASE_INSENSITIVE_ORDER);
    return Optional.of(List.copyOf(sorted));
  }

  /** Adds files to a folder, creating the folder when new. */
  synchronized void add(String folder, String... names) {
    List<String> list = files.computeIfAbsent(folder, f -> new ArrayList<>());
    for (String name : names) {
      if (!list.contains(name)) {
        list.add(name);
      }
    }
  }

  /** Removes one file; true when it was there. */
  synchronized boolean remove(String folder, String name) {
    List<String> list = files.get(folder);
    return list != null && list.remove(name);
  }

  /** The images in ComfyUI's input directory (the choices of {@code LoadImage.image}). */
  synchronized List<String> inputFiles() {
    List<String> sorted = new ArrayList<>(inputFiles);
    Collections.sort(sorted);
    return List.copyOf(sorted);
  }

  /** Adds an image to the input directory, as an upload would. */
  synchronized void addInputFile(String name) {
    if (!inputFiles.contains(name)) {
      inputFiles.add(name);
    }
  }
}
