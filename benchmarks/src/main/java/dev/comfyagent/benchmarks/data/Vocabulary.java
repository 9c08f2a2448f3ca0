package dev.comfyagent.benchmarks.data;

import java.util.List;
import java.util.Random;

/**
 * The words ComfyUI custom node packs are named with, so generated names look and search like real
 * ones: {@code Upscale}, {@code Latent}, {@code IPAdapter}, {@code Advanced}...
 */
final class Vocabulary {

  /** What nodes work on. Capitalised as node authors write them. */
  static final List<String> SUBJECTS =
      words(
          """
          Image Latent Mask Prompt Text Conditioning Model CLIP VAE LoRA ControlNet KSampler
          Sampler Scheduler Seed Noise Face Segment Region Tile Batch Frame Video Audio Depth Pose
          Edge Color Style Wildcard Pipe Bus Switch Detail Sigmas Float Int String Number Boolean
          List Path File Caption Tag LUT Grain Gradient Palette Histogram BBox SEGS Canvas Layer
          Alpha Channel Pixel Grid Guide Reference Embedding Token Attention CFG Steps Checkpoint
          UNet Loop Counter Cache Preview Metadata Workflow IPAdapter SDXL Flux SD3 AnimateDiff
          Florence2 LLM SAM Lineart Canny OpenPose Inpaint Outpaint Upscaler Detailer Crop Sketch
          Blend Overlay Watermark Sharpness Contrast Saturation Exposure Film Bokeh Lighting
          Normal Matte Background Foreground Hair Eyes Hands Person Object Scene Camera Motion
          Keyframe Timeline Schedule Weight Strength Resolution Aspect Ratio Size Width Height
          Sigma Step Denoise Guidance Negative Positive Trigger
          """);

  /** What nodes do. */
  static final List<String> ACTIONS =
      words(
          """
          Load Save Preview Resize Scale Crop Blend Composite Apply Encode Decode Combine Concat
          Split Merge Select Switch Invert Convert Detect Segment Upscale Sharpen Blur Adjust
          Match Transfer Generate Sample Interpolate Extract Pad Rotate Flip Stack Unpack Route
          Count Compare Format Replace Randomize Schedule Inject Remove Fill Grow Shrink Feather
          Threshold Normalize Quantize Stitch Paste Cut Show Display Set Get Build Parse Translate
          Tokenize Caption Refine Restore Swap Track Warp Shift Offset Filter Sort Repeat Clone
          Fix
          """);

  /** How nodes differ from their plain sibling. */
  static final List<String> QUALIFIERS =
      words(
          """
          Advanced Simple Batch Tiled Pro Plus Lite Ultimate Fast Experimental V2 V3 XL Regional
          Conditional Iterative Multi Smart Auto Custom Legacy Plus Hybrid Dynamic Precise Quick
          """);

  /** Words in pack names beyond the subjects. */
  static final List<String> PACK_WORDS =
      words(
          """
          Nodes Pack Suite Tools Toolkit Utils Helper Studio Lab Kit Extras Essentials Collection
          Bundle Addons Plus Core Easy Magic Power Flow Node Workshop Box Forge Hub Factory Bench
          Kitchen
          """);

  /** Syllables for author handles. */
  static final List<String> SYLLABLES =
      words(
          """
          ka ri to mo na lu ze vi sha ren dor kai mi jo an el qu xa bo ty ne su ko ra li fe gu ha
          de yo wen ji tan pho cy ly zu tri nox val kin ma ro
          """);

  /** Short upper-case prefixes packs put before every node name ({@code CR}, {@code LF}). */
  static final List<String> UPPER_PREFIXES =
      words(
          """
          CR LF JWI MTB SDXL DF TTN AV RG KJ IF WLSH SEG BNK FL AD VHS XY MX NS PT ZS OK HF MB TS
          GL
          """);

  /** Checkpoint and model file names as they appear in combo lists. */
  static final List<String> CHECKPOINTS =
      List.of(
          "sd_xl_base_1.0.safetensors",
          "sd_xl_refiner_1.0.safetensors",
          "v1-5-pruned-emaonly.safetensors",
          "juggernautXL_v9Rdphoto2Lightning.safetensors",
          "dreamshaperXL_v21TurboDPMSDE.safetensors",
          "realvisxlV40_v40Bakedvae.safetensors",
          "flux1-dev-fp8.safetensors",
          "sd3.5_large_fp8_scaled.safetensors");

  static final List<String> SAMPLERS =
      words(
          """
          euler euler_cfg_pp euler_ancestral euler_ancestral_cfg_pp heun heunpp2 dpm_2
          dpm_2_ancestral lms dpm_fast dpm_adaptive dpmpp_2s_ancestral dpmpp_sde dpmpp_sde_gpu
          dpmpp_2m dpmpp_2m_sde dpmpp_2m_sde_gpu dpmpp_3m_sde dpmpp_3m_sde_gpu ddpm lcm ipndm
          ipndm_v deis ddim uni_pc uni_pc_bh2
          """);

  static final List<String> SCHEDULERS =
      words(
          """
          normal karras exponential sgm_uniform simple ddim_uniform beta linear_quadratic
          kl_optimal
          """);

  static final List<String> UPSCALE_METHODS =
      words(
          """
          nearest-exact bilinear area bicubic lanczos
          """);

  private static final List<String> PROMPT_WORDS =
      words(
          """
          cinematic photo of a lighthouse on a cliff at dusk volumetric fog 35mm film grain highly
          detailed matte painting portrait astronaut neon city rain reflections studio lighting
          sharp focus bokeh golden hour wide angle concept art 8k
          """);

  private Vocabulary() {}

  private static List<String> words(String text) {
    return List.of(text.strip().split("\\s+"));
  }

  static <T> T pick(Random random, List<T> from) {
    return from.get(random.nextInt(from.size()));
  }

  /** A plausible positive prompt of 6 to 18 words. */
  static String promptText(Random random) {
    int words = 6 + random.nextInt(13);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < words; i++) {
      if (i > 0) {
        text.append(i % 5 == 0 ? ", " : " ");
      }
      text.append(pick(random, PROMPT_WORDS));
    }
    return text.toString();
  }
}
