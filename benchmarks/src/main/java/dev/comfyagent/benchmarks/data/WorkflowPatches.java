package dev.comfyagent.benchmarks.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.benchmarks.data.NodeClassSpec.Input;
import dev.comfyagent.benchmarks.data.NodeClassSpec.Output;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * RFC 6902 patches an assistant sends to {@code apply_workflow_patch}: one {@code replace} (a new
 * seed), and 20-operation edits that add a node, rewire links, test values and change settings.
 * Every patch applies cleanly to the workflow it was made for and leaves it valid.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * ArrayNode seed = WorkflowPatches.sdxlNewSeed();
 * ArrayNode edit = WorkflowPatches.sdxlTwentyOps();
 * ArrayNode big = WorkflowPatches.twentyOps(graph, classes, 11);   // for a generated graph
 * }</pre>
 *
 * <p>Each call returns a fresh array. Stateless and thread-safe.
 */
public final class WorkflowPatches {

  /** Operations in the larger patches. */
  public static final int LARGE_PATCH_OPS = 20;

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private WorkflowPatches() {}

  /** {@code replace /10/inputs/noise_seed}: the most common edit, a new seed. */
  public static ArrayNode sdxlNewSeed() {
    ArrayNode patch = JSON.arrayNode();
    op(patch, "replace", "/" + SdxlWorkflow.BASE_SAMPLER + "/inputs/noise_seed")
        .put("value", 1_125_899_906_842_597L);
    return patch;
  }

  /**
   * A 20-operation edit of the SDXL workflow: add a detail LoRA after the base checkpoint and
   * rewire the base model and prompts through it, render 1344x768 with 30 steps handing over at 24,
   * a new sampler, prompt and seed, and a shot-based output name; guarded by two {@code test}s.
   */
  public static ArrayNode sdxlTwentyOps() {
    ArrayNode patch = JSON.arrayNode();
    op(patch, "test", "/4/inputs/ckpt_name").put("value", "sd_xl_base_1.0.safetensors");
    ObjectNode lora = op(patch, "add", "/20").putObject("value");
    ObjectNode loraInputs = lora.putObject("inputs");
    loraInputs.put("lora_name", "add-detail-xl.safetensors");
    loraInputs.put("strength_model", 0.8);
    loraInputs.put("strength_clip", 0.8);
    loraInputs.set("model", JSON.arrayNode().add("4").add(0));
    loraInputs.set("clip", JSON.arrayNode().add("4").add(1));
    lora.put("class_type", "LoraLoader");
    lora.putObject("_meta").put("title", "Load LoRA - detail");
    op(patch, "replace", "/10/inputs/model").set("value", JSON.arrayNode().add("20").add(0));
    op(patch, "replace", "/6/inputs/clip").set("value", JSON.arrayNode().add("20").add(1));
    op(patch, "replace", "/7/inputs/clip").set("value", JSON.arrayNode().add("20").add(1));
    op(patch, "replace", "/5/inputs/width").put("value", 1344);
    op(patch, "replace", "/5/inputs/height").put("value", 768);
    op(patch, "replace", "/10/inputs/noise_seed").put("value", 42);
    op(patch, "replace", "/10/inputs/steps").put("value", 30);
    op(patch, "replace", "/11/inputs/steps").put("value", 30);
    op(patch, "replace", "/10/inputs/end_at_step").put("value", 24);
    op(patch, "replace", "/11/inputs/start_at_step").put("value", 24);
    op(patch, "replace", "/10/inputs/cfg").put("value", 6.5);
    op(patch, "replace", "/11/inputs/cfg").put("value", 6.5);
    op(patch, "replace", "/10/inputs/sampler_name").put("value", "dpmpp_2m_sde");
    op(patch, "replace", "/10/inputs/scheduler").put("value", "karras");
    String prompt = "cinematic still of a lighthouse on a cliff at dusk, volumetric fog, 35mm";
    op(patch, "replace", "/6/inputs/text").put("value", prompt);
    op(patch, "replace", "/15/inputs/text").put("value", prompt);
    op(patch, "replace", "/19/inputs/filename_prefix").put("value", "sq010/sh0040/comp_v002");
    op(patch, "test", "/10/inputs/add_noise").put("value", "enable");
    return patch;
  }

  /** One {@code replace} of a literal input of a node in the middle of a generated graph. */
  public static ArrayNode newLiteral(ObjectNode graph, List<NodeClassSpec> classes, long seed) {
    Random random = new Random(seed);
    Map<String, NodeClassSpec> byName = ObjectInfoGenerator.byName(classes);
    List<String> ids = new ArrayList<>();
    graph.fieldNames().forEachRemaining(ids::add);
    for (int i = ids.size() / 2; i < ids.size() + ids.size() / 2; i++) {
      String id = ids.get(i % ids.size());
      List<Input> literals = literalInputs(graph.get(id), byName);
      if (!literals.isEmpty()) {
        ArrayNode patch = JSON.arrayNode();
        Input input = literals.get(random.nextInt(literals.size()));
        op(patch, "replace", "/" + id + "/inputs/" + escape(input.name()))
            .set("value", input.validLiteral(random));
        return patch;
      }
    }
    throw new IllegalArgumentException("the graph has no literal input to replace");
  }

  /**
   * {@value #LARGE_PATCH_OPS} operations over a generated graph: a {@code test}, 16 literal {@code
   * replace}s on nodes across the graph, two link rewires to another earlier output of the same
   * type, and an {@code add} of a preview node for an image.
   */
  public static ArrayNode twentyOps(ObjectNode graph, List<NodeClassSpec> classes, long seed) {
    Random random = new Random(seed);
    Map<String, NodeClassSpec> byName = ObjectInfoGenerator.byName(classes);
    List<String> ids = new ArrayList<>();
    graph.fieldNames().forEachRemaining(ids::add);
    ArrayNode patch = JSON.arrayNode();

    String firstId = ids.get(0);
    op(patch, "test", "/" + firstId + "/class_type")
        .put("value", graph.get(firstId).get("class_type").asText());

    int replaced = 0;
    for (int attempt = 0; replaced < 16 && attempt < 100_000; attempt++) {
      String id = ids.get(random.nextInt(ids.size()));
      List<Input> literals = literalInputs(graph.get(id), byName);
      if (!literals.isEmpty()) {
        Input input = literals.get(random.nextInt(literals.size()));
        op(patch, "replace", "/" + id + "/inputs/" + escape(input.name()))
            .set("value", input.validLiteral(random));
        replaced++;
      }
    }
    int rewired = 0;
    for (int attempt = 0; rewired < 2 && attempt < 100_000; attempt++) {
      int index = 1 + random.nextInt(ids.size() - 1);
      String id = ids.get(index);
      JsonNode node = graph.get(id);
      NodeClassSpec spec = byName.get(node.get("class_type").asText());
      for (Input input : spec.required()) {
        JsonNode current = node.path("inputs").get(input.name());
        if (input.isWidget() || current == null || !current.isArray()) {
          continue;
        }
        ArrayNode other = earlierOutput(graph, ids.subList(0, index), byName, input.type(), random);
        if (other != null && !other.equals(current)) {
          op(patch, "replace", "/" + id + "/inputs/" + escape(input.name())).set("value", other);
          rewired++;
          break;
        }
      }
    }
    ArrayNode image = earlierOutput(graph, ids, byName, "IMAGE", random);
    if (replaced < 16 || rewired < 2 || image == null) {
      throw new IllegalArgumentException("the graph is too small for a 20-operation patch");
    }
    ObjectNode preview = op(patch, "add", "/" + (ids.size() + 1)).putObject("value");
    preview.putObject("inputs").set("images", image);
    preview.put("class_type", "PreviewImage");
    preview.putObject("_meta").put("title", "Preview Image");
    return patch;
  }

  private static ArrayNode earlierOutput(
      ObjectNode graph,
      List<String> earlierIds,
      Map<String, NodeClassSpec> byName,
      String type,
      Random random) {
    List<ArrayNode> candidates = new ArrayList<>();
    for (String id : earlierIds) {
      List<Output> outputs = byName.get(graph.get(id).get("class_type").asText()).outputs();
      for (int i = 0; i < outputs.size(); i++) {
        if (outputs.get(i).type().equals(type)) {
          candidates.add(JSON.arrayNode().add(id).add(i));
        }
      }
    }
    return candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size()));
  }

  private static List<Input> literalInputs(JsonNode node, Map<String, NodeClassSpec> byName) {
    NodeClassSpec spec = byName.get(node.get("class_type").asText());
    List<Input> literals = new ArrayList<>();
    JsonNode inputs = node.path("inputs");
    for (Iterator<String> it = inputs.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (inputs.get(name).isArray()) {
        continue;
      }
      spec.required().stream()
          .filter(in -> in.name().equals(name) && in.isWidget())
          .findFirst()
          .ifPresent(literals::add);
    }
    return literals;
  }

  private static ObjectNode op(ArrayNode patch, String op, String path) {
    ObjectNode operation = patch.addObject();
    operation.put("op", op);
    operation.put("path", path);
    return operation;
  }

  /** RFC 6901 escaping of one reference token. */
  private static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }
}
