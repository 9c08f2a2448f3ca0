package dev.comfyagent.runtime.discover;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.tool.InvalidArgumentException;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolException;
import dev.comfyagent.runtime.tool.ToolResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DiscoverToolsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ToolContext CONTEXT = ToolContext.detached("test-connection");

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final FakeComfyUiClient client =
      new FakeComfyUiClient(DiscoverFixtures.objectInfo())
          .folder("checkpoints", "sd_xl_base_1.0.safetensors", "SDXL/juggernaut_xl.safetensors")
          .folder("loras", "detail_tweaker.safetensors", "sdxl_film_grain.safetensors");
  private final NodeCatalog catalog =
      new NodeCatalog(client::objectInfo, Duration.ofMinutes(5), clock);
  private final NodeSearch search = new NodeSearch(catalog, DiscoverFixtures.managerMap());
  private final Map<String, Tool> tools =
      DiscoverTools.create(catalog, search, new ModelCatalog(client, Duration.ofMinutes(5), clock))
          .stream()
          .collect(Collectors.toMap(Tool::name, t -> t));

  @Test
  void offersTheThreeDiscoverToolsWithObjectSchemas() {
    assertThat(tools.keySet())
        .containsExactlyInAnyOrder("search_nodes", "get_node_info", "list_models");
    assertThat(tools.values()).allMatch(Tool::readOnly);
    assertThat(tools.values())
        .allMatch(t -> "object".equals(t.inputSchema().path("type").asText()));
  }

  @Test
  void searchNodesListsRankedMatchesWithInstalledStatusAndPack() {
    ToolResult result = call("search_nodes", "{\"query\": \"face detailer\", \"limit\": 5}");

    assertThat(result.isError()).isFalse();
    assertThat(result.text())
        .startsWith("5 node types match \"face detailer\":")
        .contains(
            "1. FaceDetailer - not installed, from pack \"ComfyUI Impact Pack\""
                + " (https://github.com/ltdrdata/ComfyUI-Impact-Pack)");
    JsonNode first = result.structuredContent().path("matches").get(0);
    assertThat(first.path("class_type").asText()).isEqualTo("FaceDetailer");
    assertThat(first.path("installed").asBoolean(true)).isFalse();
    assertThat(first.path("match").asText()).isEqualTo("exact");
    assertThat(first.path("packs").get(0).path("id").asText()).isEqualTo("comfyui-impact-pack");
  }

  @Test
  void searchNodesMarksInstalledNodes() {
    ToolResult result = call("search_nodes", "{\"query\": \"KSampler\", \"installed_only\": true}");

    assertThat(result.text())
        .contains("1. KSampler [sampling] - installed: Uses the provided model")
        .doesNotContain("not installed");
    assertThat(result.structuredContent().path("installed_status_known").asBoolean()).isTrue();
  }

  @Test
  void searchNodesSaysWhenInstalledStatusIsUnknown() {
    client.reachable(false);

    ToolResult result = call("search_nodes", "{\"query\": \"SAMLoader\"}");

    assertThat(result.isError()).isFalse();
    assertThat(result.text())
        .contains("installed status unknown")
        .contains("Note: ComfyUI at 127.0.0.1:8188 is not reachable");
  }

  @Test
  void searchNodesSaysWhenNothingMatches() {
    ToolResult result = call("search_nodes", "{\"query\": \"zzqqxx\", \"installed_only\": true}");

    assertThat(result.text()).startsWith("No node types match \"zzqqxx\" among installed nodes.");
  }

  @Test
  void searchNodesRejectsALimitOutOfRange() {
    assertThatThrownBy(() -> call("search_nodes", "{\"query\": \"x\", \"limit\": 500}"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage("argument 'limit' must be between 1 and 100, got 500");
  }

  @Test
  void getNodeInfoDescribesInputsOutputsAndBounds() {
    ToolResult result = call("get_node_info", "{\"class_type\": \"KSampler\"}");

    assertThat(result.text())
        .startsWith("KSampler, category sampling, installed, built into ComfyUI (nodes)")
        .contains("Required inputs:")
        .contains("  model: MODEL (link from an output of that type)")
        .contains("  seed: INT, default 0, min 0, max 18446744073709551615")
        .contains("  sampler_name: one of euler, euler_cfg_pp, euler_ancestral")
        .contains("Outputs (link to them as [\"<node id>\", index]):\n  0: LATENT");
    JsonNode seed = result.structuredContent().path("inputs").get(1);
    assertThat(seed.path("name").asText()).isEqualTo("seed");
    assertThat(seed.path("max").bigIntegerValue().toString()).isEqualTo("18446744073709551615");
  }

  @Test
  void getNodeInfoListsHiddenInputsSeparately() {
    ToolResult result = call("get_node_info", "{\"class_type\": \"SaveImage\"}");

    assertThat(result.text())
        .contains("output node")
        .contains("filename_prefix: STRING, default \"ComfyUI\"")
        .contains(
            "Hidden inputs (filled by ComfyUI, never set in a workflow): prompt, extra_pnginfo")
        .contains("Outputs: none");
  }

  @Test
  void getNodeInfoAcceptsADisplayNameAndSaysTheClassName() {
    ToolResult result = call("get_node_info", "{\"class_type\": \"Load Checkpoint\"}");

    assertThat(result.text())
        .startsWith("'Load Checkpoint' is CheckpointLoaderSimple;")
        .contains("ckpt_name: one of sd_xl_base_1.0.safetensors");
  }

  @Test
  void getNodeInfoNamesThePackOfANodeThatIsNotInstalled() {
    ToolResult result = call("get_node_info", "{\"class_type\": \"UltimateSDUpscale\"}");

    assertThat(result.isError()).isFalse();
    assertThat(result.text())
        .startsWith("UltimateSDUpscale is not installed in the connected ComfyUI.")
        .contains(
            "pack \"UltimateSDUpscale\" (https://github.com/ssitu/ComfyUI_UltimateSDUpscale)");
    assertThat(result.structuredContent().path("installed").asBoolean(true)).isFalse();
  }

  @Test
  void getNodeInfoNamesTheCustomPackOfAnInstalledCustomNode() {
    ToolResult result = call("get_node_info", "{\"class_type\": \"ImpactWildcardEncode\"}");

    assertThat(result.text())
        .contains("custom node pack ComfyUI-Impact-Pack")
        .contains("From pack \"ComfyUI Impact Pack\"");
  }

  @Test
  void getNodeInfoSuggestsCloseNamesForAnUnknownNode() {
    assertThatThrownBy(() -> call("get_node_info", "{\"class_type\": \"KSamplr\"}"))
        .isInstanceOf(ToolException.class)
        .hasMessageStartingWith(
            "unknown node type 'KSamplr': the connected ComfyUI does not have it and"
                + " ComfyUI-Manager does not know it. Did you mean: KSampler");
  }

  @Test
  void getNodeInfoSaysComfyUiCouldNotBeAskedWhenItNeverAnswered() {
    client.reachable(false);

    assertThatThrownBy(() -> call("get_node_info", "{\"class_type\": \"KSampler\"}"))
        .isInstanceOf(ToolException.class)
        .hasMessageStartingWith(
            "cannot describe 'KSampler': ComfyUI at 127.0.0.1:8188 is not reachable")
        .hasMessageContaining("ComfyUI-Manager's map does not list it either");
  }

  @Test
  void listModelsListsFoldersThenFiles() {
    assertThat(call("list_models", "{}").text())
        .startsWith("ComfyUI has 2 model folders: checkpoints, loras");
    ToolResult files = call("list_models", "{\"folder\": \"checkpoints\"}");
    assertThat(files.text())
        .isEqualTo(
            "checkpoints: 2 files:\n  sd_xl_base_1.0.safetensors\n  SDXL/juggernaut_xl.safetensors");
    assertThat(files.structuredContent().path("total").asInt()).isEqualTo(2);
  }

  @Test
  void listModelsFiltersAcrossEveryFolder() {
    ToolResult result = call("list_models", "{\"filter\": \"SDXL\"}");

    assertThat(result.text())
        .isEqualTo(
            "2 model files match \"SDXL\":\n  checkpoints/SDXL/juggernaut_xl.safetensors\n"
                + "  loras/sdxl_film_grain.safetensors");
  }

  @Test
  void listModelsCutsLongListsAndSaysHowManyMore() {
    ToolResult result = call("list_models", "{\"folder\": \"checkpoints\", \"limit\": 1}");

    assertThat(result.text()).endsWith("... and 1 more; pass a filter or a higher limit.");
  }

  @Test
  void listModelsNamesHostAndPortWhenComfyUiIsDown() {
    client.reachable(false);

    assertThatThrownBy(() -> call("list_models", "{}"))
        .isInstanceOf(ToolException.class)
        .hasMessageContaining("ComfyUI at 127.0.0.1:8188 is not reachable");
  }

  /**
   * ComfyUI-Manager's map as large catalogs have it: a node type that four packs declare, and a
   * pack with a node type whose name is an installed node's display name.
   */
  private Map<String, Tool> toolsWithACrowdedManagerMap() throws Exception {
    StringBuilder map = new StringBuilder("{");
    for (String repo : List.of("impact", "impact-fork", "face-tools", "detailer-suite")) {
      map.append("\"https://github.com/example/")
          .append(repo)
          .append("\": [[\"FaceDetailer\"], {\"title_aux\": \"")
          .append(repo)
          .append("\"}],");
    }
    map.append(
        "\"https://github.com/example/loaders\": [[\"LoadCheckpoint\", \"Load Checkpoint\"],"
            + " {\"title_aux\": \"Loader Pack\"}]}");
    ManagerNodeMap crowded =
        ManagerNodeMap.parse(
            new java.io.ByteArrayInputStream(map.toString().getBytes(UTF_8)),
            new java.io.ByteArrayInputStream("{\"custom_nodes\": []}".getBytes(UTF_8)));
    NodeSearch crowdedSearch = new NodeSearch(catalog, crowded);
    return DiscoverTools.create(
            catalog, crowdedSearch, new ModelCatalog(client, Duration.ofMinutes(5), clock))
        .stream()
        .collect(Collectors.toMap(Tool::name, t -> t));
  }

  @Test
  void getNodeInfoFindsTheInstalledNodeByItsDisplayNameBeforeTheManagersNamesakes()
      throws Exception {
    Tool getNodeInfo = toolsWithACrowdedManagerMap().get("get_node_info");

    ToolResult result =
        getNodeInfo.call(
            (ObjectNode) JSON.readTree("{\"class_type\": \"Load Checkpoint\"}"), CONTEXT);

    assertThat(result.isError()).isFalse();
    assertThat(result.text())
        .startsWith("'Load Checkpoint' is CheckpointLoaderSimple;")
        .contains("installed")
        .doesNotContain("ComfyUI-Manager does not know it");
    assertThat(result.structuredContent().path("class_type").asText())
        .isEqualTo("CheckpointLoaderSimple");
  }

  private ToolResult call(String tool, String arguments) {
    try {
      return tools.get(tool).call((ObjectNode) JSON.readTree(arguments), CONTEXT);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
