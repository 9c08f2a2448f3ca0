package dev.comfyagent.runtime.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import dev.comfyagent.runtime.comfy.ComfyUiUnavailableException;
import dev.comfyagent.runtime.discover.MutableClock;
import dev.comfyagent.runtime.discover.NodeCatalog;
import dev.comfyagent.runtime.files.AllowedRoots;
import dev.comfyagent.runtime.files.PathNotAllowedException;
import dev.comfyagent.runtime.session.SessionRegistry;
import dev.comfyagent.runtime.tool.InvalidArgumentException;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolException;
import dev.comfyagent.runtime.tool.ToolRegistry;
import dev.comfyagent.runtime.tool.ToolResult;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkflowToolsTest {

  private static final ToolContext C1 = ToolContext.detached("c1");
  private static final ToolContext C2 = ToolContext.detached("c2");

  private FileSystem fs;
  private Path root;
  private SessionRegistry sessions;
  private Map<String, Tool> tools;

  @BeforeEach
  void setUp() throws IOException {
    fs = Jimfs.newFileSystem(Configuration.unix());
    root = fs.getPath("/workflows");
    Files.createDirectories(root);
    for (String name : List.of(Fixtures.SDXL_API, Fixtures.SDXL_UI, Fixtures.SDXL_UI_WITH_PROMPT)) {
      Files.writeString(root.resolve(name.substring("workflows/".length())), Fixtures.text(name));
    }
    use(Fixtures.fixedCatalog());
  }

  private void use(NodeCatalog catalog) {
    sessions = new SessionRegistry(50);
    tools =
        WorkflowTools.create(
                sessions, catalog, Fixtures.noManagerMap(), AllowedRoots.of(List.of(root)))
            .stream()
            .collect(Collectors.toMap(Tool::name, Function.identity()));
  }

  @AfterEach
  void close() throws IOException {
    fs.close();
  }

  private ToolResult call(String tool, String argumentsJson) {
    return call(tool, argumentsJson, C1);
  }

  private ToolResult call(String tool, String argumentsJson, ToolContext context) {
    ObjectNode arguments = (ObjectNode) WorkflowJson.parse(argumentsJson, "arguments");
    return tools.get(tool).call(arguments, context);
  }

  private Workflow current() {
    return sessions.current("c1").workflow().requireCurrent();
  }

  private void loadSdxl() {
    call("load_workflow", "{\"path\": \"sdxl-base-refiner-api.json\"}");
  }

  @Test
  void factoryCreatesEveryToolOnceWithSchemasAndDescriptions() {
    List<Tool> created =
        WorkflowTools.create(
            sessions,
            Fixtures.fixedCatalog(),
            Fixtures.noManagerMap(),
            AllowedRoots.of(List.of(root)));
    ToolRegistry registry = new ToolRegistry();
    created.forEach(registry::register);

    assertThat(created)
        .extracting(Tool::name)
        .containsExactly(
            "load_workflow",
            "get_workflow_summary",
            "validate_workflow",
            "apply_workflow_patch",
            "preview_workflow_patch",
            "set_input",
            "undo_workflow_patch",
            "get_workflow_diff",
            "reset_workflow",
            "save_workflow",
            "find_missing_nodes");
    assertThat(created)
        .allSatisfy(
            t -> {
              assertThat(t.description()).hasSizeGreaterThan(80);
              assertThat(t.inputSchema().get("type").asText()).isEqualTo("object");
            });
    assertThat(created)
        .filteredOn(Tool::readOnly)
        .extracting(Tool::name)
        .containsExactlyInAnyOrder(
            "get_workflow_summary",
            "validate_workflow",
            "preview_workflow_patch",
            "get_workflow_diff",
            "find_missing_nodes");
  }

  @ParameterizedTest
  @CsvSource({
    "sdxl-base-refiner-api.json, api, API format",
    "sdxl-base-refiner-ui-with-prompt.json, ui_with_prompt, embedded API prompt",
    "sdxl-base-refiner-ui.json, ui_only, converted with ComfyUI's node catalog",
  })
  void loadsEachFormatFromAPath(String file, String format, String described) {
    ToolResult result = call("load_workflow", "{\"path\": \"" + file + "\"}");

    assertThat(result.isError()).isFalse();
    assertThat(result.text())
        .startsWith("Loaded " + file)
        .contains(described)
        .contains("11 nodes, 15 links")
        .contains("No problems found");
    assertThat(result.structuredContent().get("format").asText()).isEqualTo(format);
    assertThat(result.structuredContent().at("/validation/valid").asBoolean()).isTrue();
    assertThat(current()).isEqualTo(Fixtures.sdxl());
  }

  @Test
  void theLoadAnswerListsEachNodeTypeWithItsNodesAndTheModels() {
    ToolResult result = call("load_workflow", "{\"path\": \"sdxl-base-refiner-api.json\"}");

    assertThat(result.text())
        .contains("\nNodes: ")
        .contains("CheckpointLoaderSimple x2 (4, 12)")
        .contains("; VAEDecode (17)")
        .contains(
            "\nModels: sd_xl_base_1.0.safetensors (node 4); sd_xl_refiner_1.0.safetensors (node 12).");
    assertThat(result.structuredContent().at("/nodes_by_class/KSamplerAdvanced").toString())
        .isEqualTo("[\"10\",\"11\"]");
    assertThat(result.structuredContent().path("notes").isArray()).isTrue();
  }

  @Test
  void loadsInlineWorkflowsAsObjectsOrStrings() {
    ObjectNode arguments = WorkflowJson.mapper().createObjectNode();
    arguments.set("workflow", Fixtures.object(Fixtures.SDXL_API));
    assertThat(tools.get("load_workflow").call(arguments, C1).isError()).isFalse();

    arguments.put("workflow", Fixtures.text(Fixtures.SDXL_UI));
    ToolResult fromString = tools.get("load_workflow").call(arguments, C2);
    assertThat(fromString.structuredContent().get("format").asText()).isEqualTo("ui_only");
    assertThat(sessions.current("c2").workflow().requireCurrent()).isEqualTo(Fixtures.sdxl());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{}|give exactly one of 'path'",
        "{\"path\": \"a.json\", \"workflow\": {}}|give exactly one of 'path'",
        "{\"path\": 3}|must be a string",
        "{\"workflow\": \"{\\\"3\\\": \"}|malformed JSON in the inline workflow at line 1",
      })
  void refusesBadLoadArguments(String arguments, String message) {
    assertThatThrownBy(() -> call("load_workflow", arguments))
        .isInstanceOf(ToolException.class)
        .hasMessageContaining(message);
  }

  @Test
  void refusesPathsOutsideTheRoots() {
    assertThatThrownBy(() -> call("load_workflow", "{\"path\": \"../etc/passwd\"}"))
        .isInstanceOf(PathNotAllowedException.class)
        .hasMessageContaining("outside the allowed roots");
  }

  @Test
  void refusesMalformedFilesNamingLineAndColumn() throws IOException {
    Files.writeString(root.resolve("broken.json"), "{\n  \"3\": {\"class_type\": }\n}");
    assertThatThrownBy(() -> call("load_workflow", "{\"path\": \"broken.json\"}"))
        .isInstanceOf(WorkflowFormatException.class)
        .hasMessageContaining("malformed JSON in broken.json at line 2, column");
  }

  @Test
  void refusesUiOnlyWhenComfyUiIsDown() {
    use(Fixtures.unreachableCatalog());
    assertThatThrownBy(() -> call("load_workflow", "{\"path\": \"sdxl-base-refiner-ui.json\"}"))
        .isInstanceOf(WorkflowFormatException.class)
        .hasMessageContaining("Save (API Format)");
    ToolResult api = call("load_workflow", "{\"path\": \"sdxl-base-refiner-api.json\"}");
    assertThat(api.text()).contains("catalog was unavailable");
  }

  @Test
  void eachConnectionHasItsOwnWorkflow() {
    loadSdxl();
    assertThatThrownBy(() -> call("get_workflow_summary", "{}", C2))
        .hasMessageContaining("no workflow is loaded");
  }

  @Test
  void summarizesTheCurrentWorkflow() {
    loadSdxl();
    ToolResult result = call("get_workflow_summary", "{}");
    assertThat(result.text()).contains("checkpoints/sd_xl_refiner_1.0.safetensors (node 12");
    assertThat(result.structuredContent().get("node_count").asInt()).isEqualTo(11);
  }

  @Test
  void validationSaysItUsedTheCachedCatalogAndFromWhenWhenComfyUiIsDown() {
    MutableClock clock = new MutableClock(Instant.parse("2026-03-01T09:30:00Z"));
    AtomicBoolean up = new AtomicBoolean(true);
    NodeCatalog catalog =
        new NodeCatalog(
            () -> {
              if (!up.get()) {
                throw new ComfyUiUnavailableException(
                    "ComfyUI at 127.0.0.1:8188 is not reachable (connection refused); circuit"
                        + " breaker OPEN",
                    null);
              }
              return Fixtures.json("catalog/object_info-core.json");
            },
            Duration.ofMinutes(5),
            clock);
    use(catalog);
    call("load_workflow", "{\"path\": \"sdxl-base-refiner-api.json\"}");
    up.set(false);
    clock.advance(Duration.ofMinutes(20));

    ToolResult result = call("validate_workflow", "{}");

    assertThat(result.text())
        .doesNotContain("checked against ComfyUI's node catalog")
        .contains("not checked against a live node catalog: ComfyUI at 127.0.0.1:8188 is not")
        .contains("used the node catalog ComfyUI sent at 2026-03-01T09:30:00Z");
    assertThat(result.structuredContent().path("catalog_live").asBoolean(true)).isFalse();
    assertThat(result.structuredContent().path("catalog_available").asBoolean()).isTrue();
  }

  @Test
  void aSummaryWithoutLinksOrLiteralsSaysNoneRatherThanListingNothing() {
    use(Fixtures.unreachableCatalog());
    call(
        "load_workflow",
        "{\"workflow\": {\"9\": {\"class_type\": \"PreviewImage\", \"inputs\": {}}}}");

    String text = call("get_workflow_summary", "{}").text();

    assertThat(text)
        .contains("Links (source.output -> target.input): none")
        .contains(
            "Editable inputs (set_input node_id input value; patch path"
                + " /<id>/inputs/<name>): none")
        .doesNotContain(":\nEditable inputs");
  }

  @Test
  void validatesTheCurrentWorkflow() {
    loadSdxl();
    call(
        "apply_workflow_patch",
        "{\"patch\": [{\"op\":\"replace\",\"path\":\"/10/inputs/steps\",\"value\":0}]}");
    ToolResult result = call("validate_workflow", "{}");
    assertThat(result.text()).contains("1 error, 0 warnings").contains("below the minimum 1");
    assertThat(result.structuredContent().get("valid").asBoolean()).isFalse();
  }

  @Test
  void appliesAPatchAndReportsChangesAndNewProblems() {
    loadSdxl();
    ToolResult result =
        call(
            "apply_workflow_patch",
            "{\"patch\": [{\"op\":\"replace\",\"path\":\"/10/inputs/steps\",\"value\":0},"
                + "{\"op\":\"replace\",\"path\":\"/11/inputs/noise_seed\",\"value\":42}]}");

    assertThat(result.isError()).isFalse();
    assertThat(result.text())
        .contains("Applied 2 operations (undo depth now 1)")
        .contains("node 10 (KSamplerAdvanced) steps: 25 -> 0")
        .contains("node 11 (KSamplerAdvanced) noise_seed: 18446744073709551615 -> 42")
        .contains("New problems")
        .contains("below the minimum 1");
    assertThat(result.structuredContent().get("undo_depth").asInt()).isEqualTo(1);
    assertThat(sessions.current("c1").workflow().undoHistory().depth()).isEqualTo(1);
  }

  @Test
  void acceptsAPatchSentAsAString() {
    loadSdxl();
    ObjectNode arguments = WorkflowJson.mapper().createObjectNode();
    arguments.put("patch", "[{\"op\":\"remove\",\"path\":\"/19\"}]");
    ToolResult result = tools.get("apply_workflow_patch").call(arguments, C1);
    assertThat(result.text()).contains("node 19 (SaveImage) removed").contains("no output node");
  }

  @Test
  void failedPatchReturnsAnErrorAndChangesNothing() {
    loadSdxl();
    Workflow before = current();

    ToolResult result =
        call(
            "apply_workflow_patch",
            "{\"patch\": [{\"op\":\"replace\",\"path\":\"/10/inputs/steps\",\"value\":30},"
                + "{\"op\":\"replace\",\"path\":\"/12/inputs/seed\",\"value\":1},"
                + "{\"op\":\"replace\",\"path\":\"/99/inputs/seed\",\"value\":1}]}");

    assertThat(result.isError()).isTrue();
    assertThat(result.text())
        .startsWith(
            "patch op 1 (replace /12/inputs/seed): node 12 (CheckpointLoaderSimple) has no input 'seed'")
        .contains("Nothing was changed");
    assertThat(result.structuredContent().get("failed_op").asInt()).isEqualTo(1);
    assertThat(current()).isEqualTo(before);
    assertThat(sessions.current("c1").workflow().undoHistory().depth()).isZero();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {"{}|argument 'patch' is required", "{\"patch\": []}|the patch has no operations"})
  void refusesMissingOrEmptyPatches(String arguments, String message) {
    loadSdxl();
    assertThatThrownBy(() -> call("apply_workflow_patch", arguments))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void previewShowsChangesWithoutApplying() {
    loadSdxl();
    ToolResult result =
        call(
            "preview_workflow_patch",
            "{\"patch\": [{\"op\":\"replace\",\"path\":\"/10/inputs/sampler_name\",\"value\":\"dpmpp_2m_karas\"}]}");

    assertThat(result.text())
        .startsWith("Preview only, nothing was changed.")
        .contains("sampler_name: \"euler\" -> \"dpmpp_2m_karas\"")
        .contains("It would introduce:")
        .contains("not one of the 37 choices");
    assertThat(current()).isEqualTo(Fixtures.sdxl());
    assertThat(sessions.current("c1").workflow().undoHistory().depth()).isZero();
  }

  @Test
  void previewReportsTheFailingOperation() {
    loadSdxl();
    ToolResult result =
        call("preview_workflow_patch", "{\"patch\": [{\"op\":\"remove\",\"path\":\"/77\"}]}");
    assertThat(result.isError()).isTrue();
    assertThat(result.text()).startsWith("patch op 0 (remove /77): node 77 does not exist");
  }

  @Test
  void setInputChangesOneValueAsAnUndoableStep() {
    loadSdxl();
    ToolResult result =
        call("set_input", "{\"node_id\": \"10\", \"input\": \"cfg\", \"value\": 6.5}");

    assertThat(result.text())
        .startsWith("Set node 10 (KSamplerAdvanced) cfg: 7.5 -> 6.5 (undo depth now 1).");
    assertThat(current().input("10", "cfg").orElseThrow().decimalValue())
        .isEqualByComparingTo("6.5");
    call("undo_workflow_patch", "{}");
    assertThat(current()).isEqualTo(Fixtures.sdxl());
  }

  @Test
  void setInputAcceptsNumericNodeIdsAndDigitStringsForBigSeeds() {
    loadSdxl();
    ToolResult result =
        call(
            "set_input",
            "{\"node_id\": 10, \"input\": \"noise_seed\", \"value\": \"18446744073709551615\"}");

    assertThat(current().input("10", "noise_seed").orElseThrow().bigIntegerValue())
        .isEqualTo(new BigInteger("18446744073709551615"));
    assertThat(result.text()).contains("was stored as the number 18446744073709551615");
  }

  @Test
  void setInputConnectsLinksCheckingTheirType() {
    loadSdxl();
    call("set_input", "{\"node_id\": \"17\", \"input\": \"vae\", \"value\": [\"4\", 2]}");
    assertThat(current().input("17", "vae").orElseThrow().toString()).isEqualTo("[\"4\",2]");

    assertThatThrownBy(
            () ->
                call(
                    "set_input",
                    "{\"node_id\": \"17\", \"input\": \"vae\", \"value\": [\"4\", 0]}"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining(
            "expects VAE, but output 0 of node 4 (CheckpointLoaderSimple) is MODEL");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"node_id\": \"99\", \"input\": \"cfg\", \"value\": 1}|node 99 does not exist (the workflow has nodes 4, 12",
        "{\"node_id\": \"10\", \"input\": \"sead\", \"value\": 1}|KSamplerAdvanced has no input 'sead'",
        "{\"node_id\": \"10\", \"input\": \"steps\", \"value\": 0}|node 10 (KSamplerAdvanced) steps: 0 is below the minimum 1 — use a value from 1 to 10000. Nothing was changed.",
        "{\"node_id\": \"10\", \"input\": \"scheduler\", \"value\": \"Karras\"}|did you mean 'karras'?",
        "{\"node_id\": \"4\", \"input\": \"ckpt_name\", \"value\": 3}|is not one of the 3 choices",
        "{\"node_id\": \"10\", \"input\": \"cfg\", \"value\": \"high\"}|expects a number (FLOAT)",
        "{\"node_id\": \"10\", \"input\": \"cfg\"}|argument 'value' is required",
        "{\"node_id\": true, \"input\": \"cfg\", \"value\": 1}|must be a node id",
        "{\"node_id\": \"19\", \"input\": \"prompt\", \"value\": 1}|SaveImage has no input 'prompt'",
      })
  void setInputRefusesBadValuesAndChangesNothing(String arguments, String message) {
    loadSdxl();
    assertThatThrownBy(() -> call("set_input", arguments))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining(message);
    assertThat(current()).isEqualTo(Fixtures.sdxl());
    assertThat(sessions.current("c1").workflow().undoHistory().depth()).isZero();
  }

  @Test
  void setInputWithoutCatalogAppliesUncheckedAndSaysSo() {
    use(Fixtures.unreachableCatalog());
    loadSdxl();
    ToolResult result =
        call("set_input", "{\"node_id\": \"10\", \"input\": \"steps\", \"value\": 0}");
    assertThat(result.text()).contains("catalog is unavailable: the value was not checked");
    assertThat(result.structuredContent().get("checked").asBoolean()).isFalse();
    ToolResult added =
        call("set_input", "{\"node_id\": \"10\", \"input\": \"extra\", \"value\": 1}");
    assertThat(added.text()).contains("(unset) -> 1").contains("a new input on this node");
  }

  @Test
  void undoRevertsSeveralStepsAndReportsDepth() {
    loadSdxl();
    call("set_input", "{\"node_id\": \"10\", \"input\": \"steps\", \"value\": 30}");
    call("set_input", "{\"node_id\": \"11\", \"input\": \"steps\", \"value\": 30}");
    ToolResult result = call("undo_workflow_patch", "{\"steps\": 2}");
    assertThat(result.text())
        .startsWith("Undid 2 steps (set_input 11.steps, set_input 10.steps); undo depth now 0.");
    assertThat(current()).isEqualTo(Fixtures.sdxl());
    assertThatThrownBy(() -> call("undo_workflow_patch", "{}"))
        .hasMessageContaining("nothing to undo");
  }

  @Test
  void diffShowsChangesSinceLoading() {
    loadSdxl();
    assertThat(call("get_workflow_diff", "{}").text()).contains("identical to the loaded one");
    call("set_input", "{\"node_id\": \"5\", \"input\": \"width\", \"value\": 896}");
    ToolResult result = call("get_workflow_diff", "{}");
    assertThat(result.text())
        .contains("1 change since the workflow was loaded")
        .contains("node 5 (EmptyLatentImage) width: 1024 -> 896")
        .contains("[{\"op\":\"replace\",\"path\":\"/5/inputs/width\",\"value\":896}]");
    assertThat(result.structuredContent().at("/patch/0/path").asText())
        .isEqualTo("/5/inputs/width");
  }

  @Test
  void resetGoesBackToTheLoadedWorkflowAndCanBeUndone() {
    loadSdxl();
    assertThat(call("reset_workflow", "{}").text()).startsWith("Nothing to reset");
    call("set_input", "{\"node_id\": \"5\", \"input\": \"width\", \"value\": 896}");
    ToolResult result = call("reset_workflow", "{}");
    assertThat(result.text()).contains("width: 896 -> 1024").contains("undo depth now 2");
    assertThat(current()).isEqualTo(Fixtures.sdxl());
    call("undo_workflow_patch", "{}");
    assertThat(current().input("5", "width").orElseThrow().intValue()).isEqualTo(896);
  }

  @Test
  void savesApiFormatAtomicallyAndRefusesToOverwriteUnlessAsked() throws IOException {
    loadSdxl();
    call(
        "set_input",
        "{\"node_id\": \"11\", \"input\": \"noise_seed\", \"value\": 18446744073709551614}");

    ToolResult saved = call("save_workflow", "{\"path\": \"out/v2.json\"}");

    Path file = root.resolve("out/v2.json");
    assertThat(saved.text())
        .contains("Saved the workflow (11 nodes, API format) to /workflows/out/v2.json");
    String written = Files.readString(file);
    assertThat(written).contains("\"noise_seed\" : 18446744073709551614").contains("\n  \"4\" : {");
    JsonNode reread = WorkflowJson.parse(written, "v2.json");
    assertThat(Workflow.ofApi((ObjectNode) reread)).isEqualTo(current());

    assertThatThrownBy(() -> call("save_workflow", "{\"path\": \"out/v2.json\"}"))
        .hasMessageContaining("already exists; pass overwrite: true");
    call("set_input", "{\"node_id\": \"5\", \"input\": \"width\", \"value\": 896}");
    call("save_workflow", "{\"path\": \"out/v2.json\", \"overwrite\": true}");
    assertThat(Files.readString(file)).contains("\"width\" : 896");
  }

  @Test
  void refusesToSaveOutsideTheRoots() {
    loadSdxl();
    assertThatThrownBy(() -> call("save_workflow", "{\"path\": \"/tmp/x.json\"}"))
        .isInstanceOf(PathNotAllowedException.class);
  }

  @Test
  void roundTripsBigNumbersFromLoadThroughPatchToSave() throws IOException {
    Files.writeString(
        root.resolve("big.json"),
        "{\"1\": {\"class_type\": \"KSampler\", \"inputs\": {\"seed\": 18446744073709551615,"
            + " \"cfg\": 7.0, \"denoise\": 0.30000000000000004}}}");
    call("load_workflow", "{\"path\": \"big.json\"}");
    call(
        "apply_workflow_patch",
        "{\"patch\": [{\"op\":\"add\",\"path\":\"/1/_meta\",\"value\":{}}]}");
    call("save_workflow", "{\"path\": \"big-out.json\"}");

    String written = Files.readString(root.resolve("big-out.json"));
    assertThat(written)
        .contains("\"seed\" : 18446744073709551615")
        .contains("\"cfg\" : 7.0")
        .contains("\"denoise\" : 0.30000000000000004");
  }
}
