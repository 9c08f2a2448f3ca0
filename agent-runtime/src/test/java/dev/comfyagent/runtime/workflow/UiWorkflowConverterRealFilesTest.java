package dev.comfyagent.runtime.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.discover.NodeDefinitions;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * UI-format files saved by real ComfyUI frontends, each converted and compared with the API prompt
 * the same frontend queued for the same graph (both read from one PNG of ComfyUI_examples, see
 * {@code workflows/real/README.md}). The node catalog is a real {@code /object_info} excerpt.
 */
class UiWorkflowConverterRealFilesTest {

  private static final String DIR = "workflows/real/";

  private static NodeDefinitions catalog() {
    return NodeDefinitions.parse(Fixtures.json(DIR + "object_info-excerpt.json"));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        // seed control value written as a boolean ("random seed after every gen", early 2023)
        "lora",
        "area-composition-subject",
        "inpaint",
        "unclip",
        "esrgan",
        "depth-t2i-adapter",
        "embedding",
        // seed control value written as a string: randomize, fixed
        "img2img",
        "hiresfix-latent",
        "hiresfix-esrgan",
        "noisy-latents-3-subjects",
        // groups and muted nodes (mode 2)
        "model-merging-basic",
        "sdxl-turbo",
        // primitive nodes feeding widgets converted to inputs
        "sdxl-simple",
        "flux-girl-in-field",
        "flux-dev",
        // bypassed nodes (mode 4)
        "chroma-fennec-girl-flowers",
        "z-image-turbo"
      })
  void convertsARealUiFileToThePromptTheFrontendQueuedForIt(String name) {
    ObjectNode ui = Fixtures.object(DIR + name + ".ui.json");
    JsonNode queued = Fixtures.json(DIR + name + ".api.json");

    UiWorkflowConverter.Converted converted = UiWorkflowConverter.convert(ui, catalog());

    assertThat(readByComfyUi(converted.api(), false)).isEqualTo(readByComfyUi(queued, true));
  }

  @Test
  void readsTheBooleanControlValueOfAnOldSeedWidgetWithoutShiftingTheWidgetsAfterIt() {
    // lora.png: KSampler widgets_values [851616030078638, true, 20, 8, "euler", "normal", 1]
    ObjectNode ui = Fixtures.object(DIR + "lora.ui.json");

    JsonNode sampler = UiWorkflowConverter.convert(ui, catalog()).api().path("3").path("inputs");

    assertThat(sampler.path("seed").asLong()).isEqualTo(851616030078638L);
    assertThat(sampler.path("steps").asInt()).isEqualTo(20);
    assertThat(sampler.path("sampler_name").asText()).isEqualTo("euler");
    assertThat(sampler.path("denoise").asInt()).isEqualTo(1);
  }

  @Test
  void legacyRerouteNodesAndNativeReroutesOfTheSameGraphConvertAlike() {
    // The frontend's own migration fixtures: one graph with Reroute nodes, and the same graph
    // after the frontend turned them into native litegraph reroutes (extra.reroutes).
    JsonNode legacy =
        UiWorkflowConverter.convert(
                Fixtures.object(DIR + "reroute-legacy-branching.ui.json"), catalog())
            .api();
    JsonNode nativeReroutes =
        UiWorkflowConverter.convert(
                Fixtures.object(DIR + "reroute-native-branching.ui.json"), catalog())
            .api();

    assertThat(withoutMeta(legacy)).isEqualTo(withoutMeta(nativeReroutes));
    assertThat(legacy.path("12").path("inputs").path("vae").toString()).isEqualTo("[\"4\",2]");
    assertThat(legacy.path("26").path("inputs").path("vae").toString()).isEqualTo("[\"4\",2]");
    assertThat(legacy.has("13")).as("a Reroute node is not a prompt node").isFalse();
  }

  @Test
  void refusesARealGroupNodeNamingItAndTheWayOut() {
    ObjectNode ui = Fixtures.object(DIR + "sdxl-edit-model.ui.json");

    assertThatThrownBy(() -> UiWorkflowConverter.convert(ui, catalog()))
        .isInstanceOf(WorkflowFormatException.class)
        .hasMessageContaining("group nodes or subgraphs")
        .hasMessageContaining("node 37 (workflow/IP2PSampler): a group node")
        .hasMessageContaining("Save (API Format)");
  }

  @Test
  void refusesARealSubgraphNamingItAndTheWayOut() {
    ObjectNode ui = Fixtures.object(DIR + "subgraph-with-text-widget.ui.json");

    assertThatThrownBy(() -> UiWorkflowConverter.convert(ui, catalog()))
        .isInstanceOf(WorkflowFormatException.class)
        .hasMessageContaining(
            "node 11 (422723e8-4bf6-438c-823f-881ca81acead): the subgraph \"New Subgraph\"")
        .hasMessageContaining("Save (API Format)");
  }

  /** The prompt without {@code _meta} (older frontends did not write it), nodes by id. */
  private static Map<String, JsonNode> withoutMeta(JsonNode prompt) {
    Map<String, JsonNode> nodes = new TreeMap<>();
    prompt
        .properties()
        .forEach(
            e -> {
              ObjectNode node = e.getValue().deepCopy();
              node.remove("_meta");
              nodes.put(e.getKey(), node);
            });
    return nodes;
  }

  /**
   * What ComfyUI reads of a prompt: per node id, the class_type and the inputs, numbers by value.
   * The prompts in the PNGs are the ones ComfyUI stored after validating them, which turned the
   * numbers of FLOAT inputs into floats ({@code 1} became {@code 1.0}), so numbers compare by
   * value. With {@code onlyDeclared}, inputs the node type does not declare are dropped: old
   * frontends also sent the image upload button ({@code "choose file to upload": "image"}), which
   * ComfyUI ignores; {@code _meta} and {@code is_changed} are frontend bookkeeping.
   */
  private static Map<String, Map<String, Object>> readByComfyUi(
      JsonNode prompt, boolean onlyDeclared) {
    NodeDefinitions defs = catalog();
    Map<String, Map<String, Object>> nodes = new TreeMap<>();
    prompt
        .properties()
        .forEach(
            e -> {
              String classType = e.getValue().path("class_type").asText();
              Map<String, Object> node = new TreeMap<>();
              node.put("class_type", classType);
              e.getValue()
                  .path("inputs")
                  .properties()
                  .forEach(
                      input -> {
                        boolean declared =
                            defs.find(classType).flatMap(d -> d.input(input.getKey())).isPresent();
                        if (declared || !onlyDeclared) {
                          node.put("input " + input.getKey(), value(input.getValue()));
                        }
                      });
              nodes.put(e.getKey(), node);
            });
    return nodes;
  }

  private static Object value(JsonNode value) {
    if (value.isNumber()) {
      return value.decimalValue().stripTrailingZeros().toPlainString();
    }
    if (value.isArray()) {
      java.util.List<Object> items = new java.util.ArrayList<>();
      value.forEach(v -> items.add(value(v)));
      return items;
    }
    return value.toString();
  }
}
