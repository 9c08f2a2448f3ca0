package dev.comfyagent.runtime.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WorkflowReaderTest {

  @ParameterizedTest
  @CsvSource({
    Fixtures.SDXL_API + ", API",
    Fixtures.SDXL_UI_WITH_PROMPT + ", UI_WITH_PROMPT",
    Fixtures.SDXL_UI + ", UI_ONLY"
  })
  void readsEachFormatToTheSameApiWorkflow(String resource, WorkflowFormat format) {
    LoadedWorkflow loaded =
        WorkflowReader.read(Fixtures.json(resource), Fixtures.catalog(), resource);

    assertThat(loaded.format()).isEqualTo(format);
    assertThat(loaded.workflow()).isEqualTo(Fixtures.sdxl());
    assertThat(loaded.workflow().size()).isEqualTo(11);
  }

  @Test
  void convertsUiOnlyToExactlyTheEmbeddedPrompt() {
    ObjectNode ui = Fixtures.object(Fixtures.SDXL_UI_WITH_PROMPT);
    JsonNode embedded = ui.path("extra").path("prompt");
    ((ObjectNode) ui.get("extra")).remove("prompt");

    UiWorkflowConverter.Converted converted =
        UiWorkflowConverter.convert(ui, Fixtures.definitions());

    assertThat(converted.api()).isEqualTo(embedded);
    assertThat(converted.notes()).isEmpty();
  }

  @Test
  void keepsTheBigSeedOfTheUiWidgetValues() {
    Workflow wf =
        WorkflowReader.read(Fixtures.json(Fixtures.SDXL_UI), Fixtures.catalog(), "ui").workflow();

    assertThat(wf.input("11", "noise_seed").orElseThrow().bigIntegerValue())
        .isEqualTo(new BigInteger("18446744073709551615"));
    assertThat(wf.input("10", "cfg").orElseThrow().decimalValue()).isEqualByComparingTo("7.5");
  }

  @Test
  void refusesUiOnlyWithoutCatalogNamingSaveApiFormat() {
    assertThatThrownBy(
            () -> WorkflowReader.read(Fixtures.json(Fixtures.SDXL_UI), Optional.empty(), "my.json"))
        .isInstanceOf(WorkflowFormatException.class)
        .hasMessageContaining("my.json is in ComfyUI's UI format")
        .hasMessageContaining("\"Save (API Format)\"");
  }

  @Test
  void readsUiWithPromptWithoutCatalog() {
    LoadedWorkflow loaded =
        WorkflowReader.read(Fixtures.json(Fixtures.SDXL_UI_WITH_PROMPT), Optional.empty(), "x");
    assertThat(loaded.workflow()).isEqualTo(Fixtures.sdxl());
  }

  @Test
  void readsAnEmbeddedPromptHeldAsAString() {
    ObjectNode ui = Fixtures.object(Fixtures.SDXL_UI);
    ((ObjectNode) ui.get("extra")).put("prompt", Fixtures.text(Fixtures.SDXL_API));
    LoadedWorkflow loaded = WorkflowReader.read(ui, Optional.empty(), "x");
    assertThat(loaded.format()).isEqualTo(WorkflowFormat.UI_WITH_PROMPT);
    assertThat(loaded.workflow()).isEqualTo(Fixtures.sdxl());
  }

  @Test
  void readsThePromptMemberOfAQueueRequest() {
    ObjectNode request = WorkflowJson.mapper().createObjectNode();
    request.set("prompt", Fixtures.object(Fixtures.SDXL_API));
    request.put("client_id", "abc");
    LoadedWorkflow loaded = WorkflowReader.read(request, Optional.empty(), "req");
    assertThat(loaded.format()).isEqualTo(WorkflowFormat.API);
    assertThat(loaded.workflow()).isEqualTo(Fixtures.sdxl());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "[1, 2]|is a JSON array, not a workflow",
        "\"text\"|is a JSON string, not a workflow",
        "{}|is an empty workflow",
        "{\"name\": \"x\", \"size\": 3}|is not a ComfyUI workflow",
        "{\"3\": {\"class_type\": \"KSampler\"}, \"4\": 5}|node 4 is not an object",
        "{\"3\": {\"class_type\": \"KSampler\", \"inputs\": []}}|node 3 has inputs that are not an object",
        "{\"3\": {\"class_type\": \"KSampler\"}, \"4\": {\"inputs\": {}}}|node 4 has no class_type",
      })
  void refusesDocumentsThatAreNotWorkflows(String json, String message) {
    assertThatThrownBy(
            () -> WorkflowReader.read(WorkflowJson.parse(json, "doc"), Fixtures.catalog(), "doc"))
        .isInstanceOf(WorkflowFormatException.class)
        .hasMessageContaining(message);
  }

  @Test
  void convertsReroutesPrimitivesNotesBypassedAndMutedNodesAsTheFrontendDoes() {
    LoadedWorkflow loaded =
        WorkflowReader.read(Fixtures.json(Fixtures.UI_FEATURES), Fixtures.catalog(), "features");

    JsonNode expected =
        WorkflowJson.parse(
            """
            {
              "1": {"inputs": {"ckpt_name": "sd_xl_base_1.0.safetensors"},
                    "class_type": "CheckpointLoaderSimple", "_meta": {"title": "Load Checkpoint"}},
              "3": {"inputs": {"text": "a red fox in snow, embedding:film_grain_neg", "clip": ["1", 1]},
                    "class_type": "CLIPTextEncode", "_meta": {"title": "CLIP Text Encode (Prompt)"}},
              "5": {"inputs": {"width": 832, "height": 1216, "batch_size": 2},
                    "class_type": "EmptyLatentImage", "_meta": {"title": "Empty Latent Image"}},
              "6": {"inputs": {"seed": 4242, "steps": 30, "cfg": 6.5, "sampler_name": "dpmpp_2m",
                               "scheduler": "karras", "denoise": 1, "model": ["1", 0],
                               "positive": ["3", 0], "negative": ["3", 0], "latent_image": ["5", 0]},
                    "class_type": "KSampler", "_meta": {"title": "KSampler"}},
              "7": {"inputs": {"samples": ["6", 0], "vae": ["1", 2]},
                    "class_type": "VAEDecode", "_meta": {"title": "VAE Decode"}},
              "8": {"inputs": {"filename_prefix": "fox", "images": ["7", 0]},
                    "class_type": "SaveImage", "_meta": {"title": "Save Image"}},
              "9": {"inputs": {}, "class_type": "PreviewImage", "_meta": {"title": "Preview Image"}}
            }
            """,
            "expected");
    assertThat(loaded.workflow().tree()).isEqualTo(expected);
    assertThat(loaded.format()).isEqualTo(WorkflowFormat.UI_ONLY);
    assertThat(loaded.notes())
        .anySatisfy(n -> assertThat(n).contains("node 2 (LoraLoader) is bypassed"))
        .anySatisfy(n -> assertThat(n).contains("node 11 (VAEDecode) is muted"))
        .anySatisfy(
            n -> assertThat(n).contains("node 9 input 'images' was left unset").contains("muted"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"workflow>Upscale pass", "workflow/Upscale pass"})
  void refusesGroupNodesNamingThem(String groupType) {
    ObjectNode ui = Fixtures.object(Fixtures.SDXL_UI);
    uiNode(ui, 19).put("type", groupType);
    assertThatThrownBy(() -> WorkflowReader.read(ui, Fixtures.catalog(), "g"))
        .isInstanceOf(WorkflowFormatException.class)
        .hasMessageContaining("node 19 (" + groupType + ")")
        .hasMessageContaining("Save (API Format)");
  }

  @Test
  void refusesSubgraphNodesNamingThem() {
    ObjectNode ui = Fixtures.object(Fixtures.SDXL_UI);
    String id = "b43bb7e6-178c-4f1a-b014-ac4d6a50fca2";
    uiNode(ui, 19).put("type", id);
    ui.putObject("definitions").putArray("subgraphs").addObject().put("id", id);
    assertThatThrownBy(() -> WorkflowReader.read(ui, Fixtures.catalog(), "g"))
        .isInstanceOf(WorkflowFormatException.class)
        .hasMessageContaining("group nodes or subgraphs")
        .hasMessageContaining("node 19 (" + id + ")");
  }

  @Test
  void refusesNodeTypesTheCatalogDoesNotKnow() {
    ObjectNode ui = Fixtures.object(Fixtures.SDXL_UI);
    uiNode(ui, 19).put("type", "VHS_VideoCombine");
    assertThatThrownBy(() -> WorkflowReader.read(ui, Fixtures.catalog(), "g"))
        .isInstanceOf(WorkflowFormatException.class)
        .hasMessageContaining("does not know node 19 (VHS_VideoCombine)")
        .hasMessageContaining("find_missing_nodes");
  }

  @Test
  void ignoresUnknownTypesOfMutedNodes() {
    ObjectNode ui = Fixtures.object(Fixtures.SDXL_UI);
    ObjectNode save = uiNode(ui, 19);
    save.put("type", "VHS_VideoCombine");
    save.put("mode", 2);
    LoadedWorkflow loaded = WorkflowReader.read(ui, Fixtures.catalog(), "g");
    assertThat(loaded.workflow().hasNode("19")).isFalse();
    assertThat(loaded.workflow().size()).isEqualTo(10);
  }

  @Test
  void readsWidgetValuesStoredByName() {
    ObjectNode ui = Fixtures.object(Fixtures.SDXL_UI);
    ObjectNode latent = uiNode(ui, 5);
    ObjectNode byName = latent.putObject("widgets_values");
    byName.put("width", 896).put("height", 1152).put("batch_size", 4);
    Workflow wf = WorkflowReader.read(ui, Fixtures.catalog(), "g").workflow();
    assertThat(wf.input("5", "height").orElseThrow().intValue()).isEqualTo(1152);
    assertThat(wf.input("5", "batch_size").orElseThrow().intValue()).isEqualTo(4);
  }

  @Test
  void notesWidgetValuesMissingFromOlderWorkflows() {
    ObjectNode ui = Fixtures.object(Fixtures.SDXL_UI);
    ObjectNode latent = uiNode(ui, 5);
    latent.putArray("widgets_values").add(1024);
    LoadedWorkflow loaded = WorkflowReader.read(ui, Fixtures.catalog(), "g");
    assertThat(loaded.workflow().inputNames("5")).containsExactly("width");
    assertThat(loaded.notes()).anySatisfy(n -> assertThat(n).contains("'height' and later"));
  }

  @Test
  void readsLinksWrittenAsObjects() {
    ObjectNode ui = Fixtures.object(Fixtures.SDXL_UI);
    ArrayNode links = ui.withArray("links");
    ArrayNode objects = ui.arrayNode();
    for (JsonNode l : links) {
      ObjectNode o = objects.addObject();
      o.put("id", l.get(0).asInt());
      o.put("origin_id", l.get(1).asInt());
      o.put("origin_slot", l.get(2).asInt());
      o.put("target_id", l.get(3).asInt());
      o.put("target_slot", l.get(4).asInt());
      o.put("type", l.get(5).asText());
    }
    ui.set("links", objects);
    ui.put("version", 1);
    assertThat(WorkflowReader.read(ui, Fixtures.catalog(), "v1").workflow())
        .isEqualTo(Fixtures.sdxl());
  }

  @Test
  void refusesMalformedUiNodes() {
    ObjectNode ui = Fixtures.object(Fixtures.SDXL_UI);
    ((ObjectNode) ui.withArray("nodes").get(3)).remove("type");
    assertThatThrownBy(() -> WorkflowReader.read(ui, Fixtures.catalog(), "g"))
        .isInstanceOf(WorkflowFormatException.class)
        .hasMessageContaining("nodes[3] needs an id and a string type");
  }

  @Test
  void dropsInputsWhoseLinkIsMissingFromTheLinksArray() {
    ObjectNode ui = Fixtures.object(Fixtures.SDXL_UI);
    ArrayNode links = ui.withArray("links");
    links.remove(links.size() - 1); // 17 -> 19 IMAGE
    LoadedWorkflow loaded = WorkflowReader.read(ui, Fixtures.catalog(), "g");
    assertThat(loaded.workflow().inputNames("19")).containsExactly("filename_prefix");
    assertThat(loaded.notes())
        .anySatisfy(n -> assertThat(n).contains("link 15 is not in the links"));
  }

  @Test
  void findsSeedControlValuesWithoutTheCatalogFlag() {
    ObjectNode objectInfo = Fixtures.object("catalog/object_info-core.json");
    ((ObjectNode) objectInfo.at("/KSamplerAdvanced/input/required/noise_seed/1"))
        .remove("control_after_generate");
    Workflow wf =
        WorkflowReader.read(
                Fixtures.json(Fixtures.SDXL_UI),
                Optional.of(dev.comfyagent.runtime.discover.NodeDefinitions.parse(objectInfo)),
                "older catalog")
            .workflow();
    assertThat(wf).isEqualTo(Fixtures.sdxl());
  }

  @Test
  void readsWorkflowsSavedBeforeSeedControlValuesExisted() {
    ObjectNode ui = Fixtures.object(Fixtures.SDXL_UI);
    for (int id : new int[] {10, 11}) {
      ((ArrayNode) uiNode(ui, id).get("widgets_values")).remove(2);
    }
    assertThat(WorkflowReader.read(ui, Fixtures.catalog(), "old").workflow())
        .isEqualTo(Fixtures.sdxl());
  }

  private static ObjectNode uiNode(ObjectNode ui, int id) {
    for (JsonNode node : ui.withArray("nodes")) {
      if (node.path("id").asInt() == id) {
        return (ObjectNode) node;
      }
    }
    throw new IllegalArgumentException("no UI node " + id);
  }
}
