package dev.comfyagent.benchmarks.data;

import static dev.comfyagent.benchmarks.data.Inputs.bool;
import static dev.comfyagent.benchmarks.data.Inputs.combo;
import static dev.comfyagent.benchmarks.data.Inputs.decimal;
import static dev.comfyagent.benchmarks.data.Inputs.integer;
import static dev.comfyagent.benchmarks.data.Inputs.link;
import static dev.comfyagent.benchmarks.data.Inputs.seed;
import static dev.comfyagent.benchmarks.data.Inputs.text;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.benchmarks.data.NodeClassSpec.Input;
import dev.comfyagent.benchmarks.data.NodeClassSpec.Output;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

/**
 * Generates the node catalog of a ComfyUI install with many custom node packs: ComfyUI's own SDXL
 * nodes (with their real inputs and bounds) followed by custom pack nodes, written as {@code GET
 * /object_info} answers them.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * List<NodeClassSpec> classes = ObjectInfoGenerator.classes(42);   // 2,000 node types
 * ObjectNode objectInfo = ObjectInfoGenerator.objectInfo(classes);
 * NodeDefinitions defs = NodeDefinitions.parse(objectInfo);
 * }</pre>
 *
 * <p>Every link type an input asks for is produced by some node that needs no link itself (a
 * loader), so {@link ApiGraphGenerator} can build valid graphs of any size from these classes.
 * Entries mix old-style ({@code [[choices], {...}]}) and new-style ({@code ["COMBO", {"options":
 * [...]}]}) combos, seeds with ComfyUI's 2^64-1 maximum, multiline prompts, hidden inputs and
 * output nodes. Deterministic for a seed. Stateless and thread-safe.
 */
public final class ObjectInfoGenerator {

  /** Node types of a busy install: ComfyUI's core plus a few dozen popular packs. */
  public static final int CLASSES = 2_000;

  /** Link types only custom packs produce; each gets a loader among the generated classes. */
  static final List<String> CUSTOM_LINK_TYPES =
      List.of(
          "SEGS",
          "BBOX_DETECTOR",
          "SAM_MODEL",
          "IPADAPTER",
          "CLIP_VISION",
          "BASIC_PIPE",
          "FACE_ANALYSIS",
          "FLORENCE2");

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private static final List<String> AREAS =
      List.of(
          "image",
          "latent",
          "mask",
          "conditioning",
          "sampling",
          "loaders",
          "utils",
          "text",
          "video",
          "upscaling",
          "postprocessing",
          "segmentation");

  /** Link-typed inputs, weighted by how often real nodes take them. */
  private static final List<String> INPUT_LINK_TYPES =
      weighted(
          Map.ofEntries(
              Map.entry("IMAGE", 30),
              Map.entry("LATENT", 10),
              Map.entry("MODEL", 10),
              Map.entry("CONDITIONING", 10),
              Map.entry("MASK", 10),
              Map.entry("CLIP", 5),
              Map.entry("VAE", 5),
              Map.entry("SEGS", 3),
              Map.entry("BBOX_DETECTOR", 2),
              Map.entry("SAM_MODEL", 2),
              Map.entry("IPADAPTER", 2),
              Map.entry("CLIP_VISION", 2),
              Map.entry("BASIC_PIPE", 2),
              Map.entry("FACE_ANALYSIS", 1),
              Map.entry("FLORENCE2", 1),
              Map.entry("UPSCALE_MODEL", 1),
              Map.entry("CONTROL_NET", 1)));

  /** Output types, weighted likewise; widgets types too (a node that produces a STRING). */
  private static final List<String> OUTPUT_TYPES =
      weighted(
          Map.ofEntries(
              Map.entry("IMAGE", 30),
              Map.entry("MASK", 10),
              Map.entry("LATENT", 10),
              Map.entry("CONDITIONING", 8),
              Map.entry("MODEL", 6),
              Map.entry("STRING", 5),
              Map.entry("INT", 3),
              Map.entry("FLOAT", 2),
              Map.entry("SEGS", 3),
              Map.entry("BASIC_PIPE", 2),
              Map.entry("CLIP", 2)));

  /** Widget inputs by name, as packs commonly declare them. */
  private static final List<Function<Random, Input>> WIDGETS =
      List.of(
          r -> seed("seed"),
          r -> integer("steps", 20, 1, 10000, 1),
          r -> decimal("cfg", 7.0, 0.0, 100.0, 0.1),
          r -> decimal("denoise", 1.0, 0.0, 1.0, 0.01),
          r -> integer("width", 1024, 64, 16384, 8),
          r -> integer("height", 1024, 64, 16384, 8),
          r -> integer("batch_size", 1, 1, 4096, 1),
          r -> decimal("strength", 1.0, 0.0, 10.0, 0.01),
          r -> decimal("threshold", 0.5, 0.0, 1.0, 0.01),
          r -> decimal("scale_by", 1.5, 0.01, 8.0, 0.01),
          r -> combo("upscale_method", Vocabulary.UPSCALE_METHODS, r.nextBoolean()),
          r -> combo("mode", List.of("multiply", "add", "subtract", "replace"), r.nextBoolean()),
          r -> text("text", true, ""),
          r -> text("filename_prefix", false, "ComfyUI"),
          r -> decimal("blend_factor", 0.5, 0.0, 1.0, 0.01),
          r -> integer("feathering", 0, 0, 1000, 1),
          r -> integer("radius", 4, 1, 256, 1),
          r -> decimal("sigma", 1.0, 0.1, 10.0, 0.1),
          r -> integer("index", 0, 0, 10000, 1),
          r -> bool("enabled", true),
          r -> bool("invert", false),
          r -> integer("padding", 32, 0, 1024, 1),
          r -> decimal("guide_size", 512.0, 64.0, 16384.0, 8.0),
          r -> integer("iterations", 1, 1, 100, 1),
          r -> decimal("opacity", 1.0, 0.0, 1.0, 0.01),
          r -> decimal("angle", 0.0, -360.0, 360.0, 0.1),
          r -> combo("sampler_name", Vocabulary.SAMPLERS, r.nextBoolean()),
          r -> combo("scheduler", Vocabulary.SCHEDULERS, r.nextBoolean()),
          r -> text("delimiter", false, ", "),
          r -> combo("crop", List.of("disabled", "center"), false),
          r -> combo("model_name", Vocabulary.CHECKPOINTS, r.nextBoolean()));

  private ObjectInfoGenerator() {}

  /** {@value #CLASSES} node types: ComfyUI's core nodes, then custom pack nodes. */
  public static List<NodeClassSpec> classes(long seed) {
    return classes(seed, CLASSES);
  }

  /**
   * Exactly {@code count} node types: the core nodes, one loader per custom link type, then
   * generated pack nodes.
   *
   * @throws IllegalArgumentException when {@code count} cannot hold the core nodes and loaders
   */
  public static List<NodeClassSpec> classes(long seed, int count) {
    List<NodeClassSpec> classes = new ArrayList<>(CoreNodes.all());
    Set<String> names = new HashSet<>();
    classes.forEach(c -> names.add(c.name()));
    Random random = new Random(seed);
    NodePackNames packs = new NodePackNames(random);
    int minimum = classes.size() + CUSTOM_LINK_TYPES.size();
    if (count < minimum) {
      throw new IllegalArgumentException(
          "a catalog needs at least " + minimum + " node types, got " + count);
    }
    for (String type : CUSTOM_LINK_TYPES) {
      if (!producedByLoader(classes, type)) {
        classes.add(loader(random, packs.nextPack(), type));
        names.add(classes.get(classes.size() - 1).name());
      }
    }
    while (classes.size() < count) {
      NodePackNames.Pack pack = packs.nextPack();
      int packSize = 1 + (int) Math.round(Math.exp(random.nextGaussian() * 0.9 + 1.6));
      for (int i = 0; i < packSize && classes.size() < count; i++) {
        String name = packs.nodeName(pack);
        if (names.add(name)) {
          classes.add(generated(random, pack, name));
        }
      }
    }
    return classes;
  }

  /** The {@code /object_info} document for these classes, in their order. */
  public static ObjectNode objectInfo(List<NodeClassSpec> classes) {
    ObjectNode info = JSON.objectNode();
    for (NodeClassSpec c : classes) {
      info.set(c.name(), c.toObjectInfoEntry());
    }
    return info;
  }

  private static boolean producedByLoader(List<NodeClassSpec> classes, String type) {
    return classes.stream()
        .anyMatch(
            c ->
                c.required().stream().allMatch(Input::isWidget)
                    && c.outputs().stream().anyMatch(o -> o.type().equals(type)));
  }

  private static NodeClassSpec loader(Random random, NodePackNames.Pack pack, String type) {
    String words = NodePackNames.spaced(camelOf(type));
    String name =
        pack.tag().isEmpty() ? "Load" + camelOf(type) : pack.tag() + "Load" + camelOf(type);
    List<String> files =
        List.of(
            type.toLowerCase(Locale.ROOT) + "_v1.safetensors",
            type.toLowerCase(Locale.ROOT) + "_v2.pth");
    return new NodeClassSpec(
        name,
        "Load " + words,
        pack.title() + "/loaders",
        "custom_nodes." + pack.repository(),
        "Loads a " + words.toLowerCase(Locale.ROOT) + " model for " + pack.title() + ".",
        List.of(combo("model_name", files, random.nextBoolean())),
        List.of(),
        List.of(),
        List.of(new Output(type, type, false)),
        false);
  }

  private static NodeClassSpec generated(Random random, NodePackNames.Pack pack, String name) {
    boolean outputNode = random.nextInt(100) < 6;
    List<Input> required = new ArrayList<>();
    Set<String> used = new HashSet<>();
    int links = outputNode ? 1 : random.nextInt(4);
    for (int i = 0; i < links; i++) {
      String type = outputNode ? "IMAGE" : Vocabulary.pick(random, INPUT_LINK_TYPES);
      required.add(link(unique(used, linkInputName(type, i)), type));
    }
    int widgets = random.nextInt(6);
    for (int i = 0; i < widgets; i++) {
      Input widget = Vocabulary.pick(random, WIDGETS).apply(random);
      if (used.add(widget.name())) {
        required.add(widget);
      }
    }
    if (required.isEmpty()) {
      required.add(text("text", true, ""));
    }
    List<Input> optional = new ArrayList<>();
    int optionals = random.nextInt(4) == 0 ? 1 + random.nextInt(3) : 0;
    for (int i = 0; i < optionals; i++) {
      if (random.nextInt(3) == 0) {
        optional.add(link(unique(used, "any_" + i), "*"));
      } else {
        String type = Vocabulary.pick(random, INPUT_LINK_TYPES);
        optional.add(link(unique(used, "opt_" + linkInputName(type, i)), type));
      }
    }
    List<Output> outputs = new ArrayList<>();
    if (!outputNode) {
      int count = 1 + (random.nextInt(4) == 0 ? random.nextInt(3) : 0);
      for (int i = 0; i < count; i++) {
        String type = Vocabulary.pick(random, OUTPUT_TYPES);
        String label = random.nextInt(3) == 0 ? type.toLowerCase(Locale.ROOT) : type;
        outputs.add(new Output(type, label, random.nextInt(30) == 0));
      }
    }
    List<String> hidden = new ArrayList<>();
    if (outputNode) {
      hidden.add("prompt");
      hidden.add("extra_pnginfo");
    }
    if (random.nextInt(20) == 0) {
      hidden.add("unique_id");
    }
    return new NodeClassSpec(
        name,
        displayName(random, pack, name),
        pack.title() + "/" + Vocabulary.pick(random, AREAS),
        "custom_nodes." + pack.repository(),
        NodePackNames.spaced(name.replaceAll("[^A-Za-z0-9 ]", " ").trim())
            + " node of "
            + pack.title()
            + ".",
        required,
        optional,
        hidden,
        outputs,
        outputNode);
  }

  private static String displayName(Random random, NodePackNames.Pack pack, String name) {
    String shown =
        switch (pack.style()) {
          case PREFIX_CAMEL, PLAIN_CAMEL -> NodePackNames.spaced(name);
          case PIPE_TAG -> NodePackNames.spaced(name.substring(0, name.indexOf('|')));
          default -> name;
        };
    // Some packs decorate their menu names.
    return random.nextInt(20) == 0
        ? Vocabulary.pick(random, List.of("🔧 ", "✨ ", "🎨 ")) + shown
        : shown;
  }

  private static String linkInputName(String type, int index) {
    return switch (type) {
      case "CONDITIONING" -> index % 2 == 0 ? "positive" : "negative";
      case "LATENT" -> "samples";
      case "IMAGE" -> "image";
      default -> type.toLowerCase(Locale.ROOT);
    };
  }

  private static String unique(Set<String> used, String name) {
    String candidate = name;
    for (int n = 2; !used.add(candidate); n++) {
      candidate = name + "_" + n;
    }
    return candidate;
  }

  private static String camelOf(String type) {
    StringBuilder out = new StringBuilder();
    for (String part : type.split("_")) {
      out.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
    }
    return out.toString();
  }

  private static List<String> weighted(Map<String, Integer> weights) {
    List<String> out = new ArrayList<>();
    weights.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> out.addAll(java.util.Collections.nCopies(e.getValue(), e.getKey())));
    return List.copyOf(out);
  }

  /** The classes of {@code classes} by name. */
  static Map<String, NodeClassSpec> byName(List<NodeClassSpec> classes) {
    Map<String, NodeClassSpec> byName = new LinkedHashMap<>();
    classes.forEach(c -> byName.put(c.name(), c));
    return byName;
  }
}
