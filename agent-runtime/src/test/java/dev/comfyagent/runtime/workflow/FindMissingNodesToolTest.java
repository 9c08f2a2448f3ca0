package dev.comfyagent.runtime.workflow;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.discover.DiscoverFixtures;
import dev.comfyagent.runtime.discover.FakeComfyUiClient;
import dev.comfyagent.runtime.discover.ManagerNodeMap;
import dev.comfyagent.runtime.discover.MutableClock;
import dev.comfyagent.runtime.discover.NodeCatalog;
import dev.comfyagent.runtime.session.SessionRegistry;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolException;
import dev.comfyagent.runtime.tool.ToolResult;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FindMissingNodesToolTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ToolContext CONTEXT = ToolContext.detached("test-connection");

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final FakeComfyUiClient client = new FakeComfyUiClient(DiscoverFixtures.objectInfo());
  private final NodeCatalog catalog =
      new NodeCatalog(client::objectInfo, Duration.ofMinutes(5), clock);
  private final SessionRegistry sessions = new SessionRegistry(50);

  private Tool findMissingNodesWith(ManagerNodeMap managerMap) {
    return new FindMissingNodesTool(sessions, catalog, managerMap);
  }

  /** ComfyUI-Manager's map as large catalogs have it: a node type that four packs declare. */
  private static ManagerNodeMap crowdedManagerMap() throws Exception {
    StringBuilder map = new StringBuilder("{");
    for (String repo : List.of("impact", "impact-fork", "face-tools", "detailer-suite")) {
      map.append("\"https://github.com/example/")
          .append(repo)
          .append("\": [[\"FaceDetailer\"], {\"title_aux\": \"")
          .append(repo)
          .append("\"}],");
    }
    map.setLength(map.length() - 1);
    map.append('}');
    return ManagerNodeMap.parse(
        new ByteArrayInputStream(map.toString().getBytes(UTF_8)),
        new ByteArrayInputStream("{\"custom_nodes\": []}".getBytes(UTF_8)));
  }

  @Test
  void groupsMissingTypesByPack() throws Exception {
    load(
        "{\"3\": {\"class_type\": \"KSampler\", \"inputs\": {}},"
            + " \"12\": {\"class_type\": \"FaceDetailer\", \"inputs\": {}},"
            + " \"14\": {\"class_type\": \"FaceDetailer\", \"inputs\": {}},"
            + " \"15\": {\"class_type\": \"SAMLoader\", \"inputs\": {}},"
            + " \"20\": {\"class_type\": \"MyStudioNode\", \"inputs\": {}}}");

    ToolResult result = call("{}");

    assertThat(result.text())
        .isEqualTo(
            "3 of 4 node types of the workflow are not installed in the connected ComfyUI:\n"
                + "- install pack \"ComfyUI Impact Pack\" (https://github.com/ltdrdata/ComfyUI-Impact-Pack)"
                + " for FaceDetailer (nodes 12, 14)\n"
                + "- install pack \"ComfyUI Impact Pack\" (https://github.com/ltdrdata/ComfyUI-Impact-Pack)"
                + " for SAMLoader (node 15) (ComfyUI-Manager's choice; also provided by pack"
                + " \"segment anything\" (https://github.com/storyicon/comfyui_segment_anything))\n"
                + "- unknown to ComfyUI-Manager: MyStudioNode (node 20)\n"
                + "Install the packs with ComfyUI-Manager (or git clone them into custom_nodes) and"
                + " restart ComfyUI.");
    List<String> missing =
        result.structuredContent().path("missing").findValuesAsText("class_type");
    assertThat(missing).containsExactly("FaceDetailer", "SAMLoader", "MyStudioNode");
  }

  @Test
  void saysWhenEverythingIsInstalled() throws Exception {
    load("{\"3\": {\"class_type\": \"KSampler\", \"inputs\": {}}}");

    assertThat(call("{}").text())
        .isEqualTo(
            "All 1 node types of the workflow (1 nodes) are installed in the connected ComfyUI.");
  }

  @Test
  void needsAWorkflow() {
    assertThatThrownBy(() -> call("{}"))
        .isInstanceOf(ToolException.class)
        .hasMessageContaining("no workflow is loaded");
  }

  @Test
  void cannotAnswerWithoutEverReachingComfyUi() throws Exception {
    load("{\"3\": {\"class_type\": \"KSampler\", \"inputs\": {}}}");
    client.reachable(false);

    assertThatThrownBy(() -> call("{}"))
        .isInstanceOf(ToolException.class)
        .hasMessageStartingWith(
            "cannot tell which node types are missing: ComfyUI at 127.0.0.1:8188");
  }

  @Test
  void namesEveryPackThatProvidesAType() throws Exception {
    Tool findMissing = findMissingNodesWith(crowdedManagerMap());
    load(
        "{\"3\": {\"class_type\": \"KSampler\", \"inputs\": {}},"
            + " \"12\": {\"class_type\": \"FaceDetailer\", \"inputs\": {}}}");

    ToolResult result = findMissing.call(JSON.createObjectNode(), CONTEXT);

    assertThat(result.structuredContent().at("/missing/0/packs")).hasSize(4);
    assertThat(result.text())
        .contains("- install one of 4 packs for FaceDetailer (node 12): ")
        .contains("pack \"impact\" (https://github.com/example/impact)")
        .contains("pack \"impact-fork\" (https://github.com/example/impact-fork)")
        .contains("pack \"face-tools\" (https://github.com/example/face-tools)")
        .contains("pack \"detailer-suite\" (https://github.com/example/detailer-suite)");
  }

  @Test
  void namesTheMissingMapWhenTypesAreUnknownAndTheMapCannotBeRead() throws Exception {
    load("{\"20\": {\"class_type\": \"MyStudioNode\", \"inputs\": {}}}");

    ToolResult result =
        findMissingNodesWith(ManagerNodeMap.none("COMFYUI_PATH is not set"))
            .call(JSON.createObjectNode(), CONTEXT);

    assertThat(result.text())
        .isEqualTo(
            "1 of 1 node types of the workflow are not installed in the connected ComfyUI:\n"
                + "- unknown to ComfyUI-Manager: MyStudioNode (node 20)\n"
                + "  (ComfyUI-Manager's node map is not available: COMFYUI_PATH is not set)");
    assertThat(result.structuredContent().path("manager_map_available").asBoolean(true)).isFalse();
  }

  private void load(String api) throws Exception {
    sessions
        .currentWorkflow(CONTEXT.connectionId())
        .load(Workflow.ofApi((ObjectNode) JSON.readTree(api)));
  }

  private ToolResult call(String arguments) {
    try {
      return findMissingNodesWith(DiscoverFixtures.managerMap())
          .call((ObjectNode) JSON.readTree(arguments), CONTEXT);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
