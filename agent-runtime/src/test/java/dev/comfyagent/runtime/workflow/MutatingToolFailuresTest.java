package dev.comfyagent.runtime.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import dev.comfyagent.runtime.discover.NodeCatalog;
import dev.comfyagent.runtime.files.AllowedRoots;
import dev.comfyagent.runtime.session.SessionRegistry;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolResult;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every failure path of every tool that changes the workflow leaves the workflow, its base and its
 * undo history exactly as they were, and says why it failed. One test per path; {@link
 * AllOrNothingPropertyTest} covers the same promise on random graphs.
 */
class MutatingToolFailuresTest {

  private static final ToolContext C = ToolContext.detached("c");

  private FileSystem fs;
  private SessionRegistry sessions;
  private Map<String, Tool> tools;

  @BeforeEach
  void setUp() throws IOException {
    fs = Jimfs.newFileSystem(Configuration.unix());
    Path root = Files.createDirectories(fs.getPath("/workflows"));
    Files.writeString(root.resolve("notes.txt"), "secret-first-token and more");
    use(Fixtures.fixedCatalog(), root);
    call("load_workflow", "{\"workflow\": " + Fixtures.text(Fixtures.SDXL_API) + "}");
    call("set_input", "{\"node_id\": \"10\", \"input\": \"steps\", \"value\": 30}");
  }

  private void use(NodeCatalog catalog, Path root) {
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

  private WorkflowState state() {
    return sessions.current(C.connectionId()).workflow();
  }

  private ToolResult call(String tool, String argumentsJson) {
    return call(tool, (ObjectNode) WorkflowJson.parse(argumentsJson, "arguments"));
  }

  private ToolResult call(String tool, ObjectNode arguments) {
    return tools.get(tool).call(arguments, C);
  }

  /** Runs a call that must fail; returns its message and checks that nothing changed. */
  private String failing(String tool, ObjectNode arguments) {
    Workflow before = state().requireCurrent();
    Optional<Workflow> base = state().base();
    List<UndoHistory.Entry> undo = state().undoHistory().entries();
    String message;
    try {
      ToolResult result = call(tool, arguments);
      assertThat(result.isError()).as(tool + " answered " + result.text()).isTrue();
      message = result.text();
    } catch (RuntimeException e) {
      message = e.getMessage();
    }
    assertThat(state().requireCurrent()).as("the workflow").isSameAs(before);
    assertThat(state().base()).as("the base").isEqualTo(base);
    assertThat(state().base().orElseThrow()).isSameAs(base.orElseThrow());
    assertThat(state().undoHistory().entries()).as("the undo history").isEqualTo(undo);
    return message;
  }

  private String failing(String tool, String argumentsJson) {
    return failing(tool, (ObjectNode) WorkflowJson.parse(argumentsJson, "arguments"));
  }

  private static ObjectNode patchOf(String path, com.fasterxml.jackson.databind.JsonNode value) {
    ObjectNode arguments = JsonNodeFactory.instance.objectNode();
    arguments
        .putArray("patch")
        .addObject()
        .put("op", "replace")
        .put("path", path)
        .set("value", value);
    return arguments;
  }

  @Test
  void anInfinityFromAnOverflowedLiteralIsRefusedNamingTheNodeAndInputAndCfgStays() {
    // What 1e400 became when the protocol read decimals as doubles.
    String message =
        failing(
            "apply_workflow_patch",
            patchOf("/10/inputs/cfg", DoubleNode.valueOf(Double.POSITIVE_INFINITY)));

    assertThat(message)
        .startsWith("patch op 0 (replace /10/inputs/cfg): node 10 (KSamplerAdvanced) input cfg:")
        .contains("Infinity is not a number ComfyUI can take")
        .contains("Nothing was changed");
    assertThat(state().requireCurrent().input("10", "cfg").orElseThrow().decimalValue())
        .isEqualByComparingTo("7.5");
    assertThat(call("validate_workflow", "{}").text()).doesNotContain("Infinity");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1e400", "-1e400", "1e-400"})
  void aDecimalNoFloatCanHoldIsRefusedNamingTheNodeAndInput(String literal) {
    String message =
        failing(
            "apply_workflow_patch",
            patchOf("/10/inputs/cfg", DecimalNode.valueOf(new BigDecimal(literal))));

    assertThat(message)
        .startsWith("patch op 0 (replace /10/inputs/cfg): node 10 (KSamplerAdvanced) input cfg:")
        .contains("ComfyUI can read");
  }

  @Test
  void aNanInsideANewNodeIsRefusedNamingWhereItIs() {
    ObjectNode node = JsonNodeFactory.instance.objectNode().put("class_type", "EmptyLatentImage");
    node.putObject("inputs").put("width", Double.NaN);
    ObjectNode arguments = JsonNodeFactory.instance.objectNode();
    arguments.putArray("patch").addObject().put("op", "add").put("path", "/30").set("value", node);

    assertThat(failing("apply_workflow_patch", arguments))
        .startsWith("patch op 0 (add /30): node 30 input width: NaN is not a number");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "no patch|{}|argument 'patch' is required",
        "empty patch|{\"patch\": []}|the patch has no operations",
        "malformed patch string|{\"patch\": \"[{\"}|malformed JSON in the patch string",
        "not an operation|{\"patch\": [3]}|an operation must be an object",
        "missing node|{\"patch\": [{\"op\":\"replace\",\"path\":\"/10/inputs/cfg\",\"value\":6},"
            + "{\"op\":\"remove\",\"path\":\"/99\"}]}|patch op 1 (remove /99): node 99 does not exist",
        "failed test|{\"patch\": [{\"op\":\"replace\",\"path\":\"/10/inputs/cfg\",\"value\":6},"
            + "{\"op\":\"test\",\"path\":\"/10/inputs/cfg\",\"value\":7}]}|test failed",
        "node left broken|{\"patch\": [{\"op\":\"replace\",\"path\":\"/10/inputs\",\"value\":3}]}"
            + "|would be left broken",
      })
  void aFailedPatchChangesNothing(String path, String arguments, String message) {
    assertThat(failing("apply_workflow_patch", arguments)).contains(message);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "missing node|{\"node_id\": \"99\", \"input\": \"cfg\", \"value\": 1}|node 99 does not exist",
        "unknown input|{\"node_id\": \"10\", \"input\": \"cgf\", \"value\": 1}|has no input 'cgf'",
        "out of bounds|{\"node_id\": \"10\", \"input\": \"steps\", \"value\": 0}|below the minimum 1",
        "beyond a float|{\"node_id\": \"10\", \"input\": \"cfg\", \"value\": 1e400}"
            + "|node 10 (KSamplerAdvanced) cfg: 1E+400 is beyond",
        "bad link|{\"node_id\": \"10\", \"input\": \"model\", \"value\": [\"6\", 0]}|expects MODEL",
        "seed above 2^64-1|{\"node_id\": \"11\", \"input\": \"noise_seed\","
            + " \"value\": 18446744073709551616}|above the maximum 18446744073709551615",
      })
  void aRefusedSetInputChangesNothing(String path, String arguments, String message) {
    assertThat(failing("set_input", arguments)).contains(message);
  }

  @Test
  void setInputRefusesNanWithoutACatalogToo() throws IOException {
    use(Fixtures.unreachableCatalog(), Files.createDirectories(fs.getPath("/other")));
    call("load_workflow", "{\"workflow\": " + Fixtures.text(Fixtures.SDXL_API) + "}");
    ObjectNode arguments =
        JsonNodeFactory.instance.objectNode().put("node_id", "10").put("input", "cfg");
    arguments.put("value", Double.NEGATIVE_INFINITY);

    assertThat(failing("set_input", arguments))
        .startsWith("node 10 (KSamplerAdvanced) cfg: -Infinity is not a number");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "too many steps|{\"steps\": 2}|cannot undo 2 changes: only 1 can be undone",
        "zero steps|{\"steps\": 0}|must be between 1 and 50",
      })
  void aRefusedUndoChangesNothing(String path, String arguments, String message) {
    assertThat(failing("undo_workflow_patch", arguments)).contains(message);
  }

  @Test
  void anUndoHistoryThatNoLongerFitsIsRefusedAndKept() {
    WorkflowState restored =
        WorkflowState.restore(
            new WorkflowState.Snapshot(
                Fixtures.sdxl().apiJson(),
                null,
                List.of(
                    new UndoHistory.Entry(
                            "set_input 99.seed",
                            java.time.Instant.EPOCH,
                            Fixtures.patch(
                                "[{\"op\":\"replace\",\"path\":\"/99/inputs/seed\",\"value\":2}]"),
                            Fixtures.patch(
                                "[{\"op\":\"replace\",\"path\":\"/99/inputs/seed\",\"value\":1}]"))
                        .toJson())),
            50);
    sessions.openNamedSession(
        C.connectionId(), new dev.comfyagent.runtime.session.WorkflowSession("s", restored));

    assertThat(failing("undo_workflow_patch", "{}"))
        .contains("the undo history does not fit the workflow any more")
        .contains("nothing was undone");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "both sources|{\"path\": \"a.json\", \"workflow\": {}}|give exactly one of",
        "malformed inline|{\"workflow\": \"{not json\"}|malformed JSON in the inline workflow",
        "not a workflow|{\"workflow\": [1, 2]}|is a JSON array, not a workflow",
        "no nodes|{\"workflow\": {\"a\": 1}}|is not a ComfyUI workflow",
        "broken node|{\"workflow\": {\"1\": {\"class_type\": 3}}}|node 1 has no class_type",
        "missing file|{\"path\": \"nope.json\"}|no file 'nope.json'",
        "a file that is not JSON|{\"path\": \"notes.txt\"}|malformed JSON in notes.txt at line 1, column 1: the file is not JSON",
      })
  void aRefusedLoadKeepsThePreviousWorkflow(String path, String arguments, String message) {
    String answer = failing("load_workflow", arguments);

    assertThat(answer).contains(message).doesNotContain("secret-first-token");
  }

  @Test
  void aRefusedLoadOfUiOnlyWithoutCatalogKeepsThePreviousWorkflow() throws IOException {
    use(Fixtures.unreachableCatalog(), Files.createDirectories(fs.getPath("/ui")));
    call("load_workflow", "{\"workflow\": " + Fixtures.text(Fixtures.SDXL_API) + "}");

    assertThat(failing("load_workflow", "{\"workflow\": " + Fixtures.text(Fixtures.SDXL_UI) + "}"))
        .contains("UI format without an embedded API prompt");
  }

  @ParameterizedTest(name = "a defect at ''{0}''")
  @ValueSource(strings = {"patch op 0", "patch structure", "computed", "answer", "commit"})
  void aDefectInsideAPatchChangesNothing(String point) {
    state().injectFaults(faultAt(point));

    assertThat(
            failing(
                "apply_workflow_patch",
                "{\"patch\": [{\"op\":\"replace\",\"path\":\"/10/inputs/cfg\",\"value\":6}]}"))
        .isEqualTo("injected at " + point);
  }

  @ParameterizedTest(name = "a defect at ''{0}''")
  @ValueSource(strings = {"patch op 0", "computed", "answered", "commit"})
  void aDefectInsideSetInputChangesNothing(String point) {
    state().injectFaults(faultAt(point));

    assertThat(failing("set_input", "{\"node_id\": \"10\", \"input\": \"cfg\", \"value\": 6}"))
        .isEqualTo("injected at " + point);
  }

  @ParameterizedTest(name = "a defect at ''{0}''")
  @ValueSource(strings = {"patch op 0", "computed", "answer", "commit"})
  void aDefectInsideUndoChangesNothing(String point) {
    state().injectFaults(faultAt(point));

    assertThat(failing("undo_workflow_patch", "{}")).isEqualTo("injected at " + point);
  }

  @ParameterizedTest(name = "a defect at ''{0}''")
  @ValueSource(strings = {"computed", "answered", "commit"})
  void aDefectInsideResetChangesNothing(String point) {
    state().injectFaults(faultAt(point));

    assertThat(failing("reset_workflow", "{}")).isEqualTo("injected at " + point);
  }

  @ParameterizedTest(name = "a defect at ''{0}''")
  @ValueSource(strings = {"answer", "answered", "commit"})
  void aDefectInsideLoadKeepsThePreviousWorkflow(String point) {
    state().injectFaults(faultAt(point));

    assertThat(
            failing(
                "load_workflow",
                "{\"workflow\": {\"1\": {\"class_type\": \"EmptyLatentImage\", \"inputs\": {}}}}"))
        .isEqualTo("injected at " + point);
  }

  @Test
  void withoutAWorkflowEveryMutatingToolSaysToLoadOneFirst() {
    sessions.openScratchSession(C.connectionId());
    for (String tool :
        List.of("apply_workflow_patch", "set_input", "undo_workflow_patch", "reset_workflow")) {
      String arguments =
          tool.equals("apply_workflow_patch")
              ? "{\"patch\": [{\"op\":\"remove\",\"path\":\"/1\"}]}"
              : tool.equals("set_input")
                  ? "{\"node_id\": \"1\", \"input\": \"a\", \"value\": 1}"
                  : "{}";
      try {
        call(tool, arguments);
        throw new AssertionError(tool + " succeeded without a workflow");
      } catch (RuntimeException e) {
        assertThat(e).hasMessageContaining("no workflow is loaded in this session");
      }
      assertThat(state().current()).isEmpty();
      assertThat(state().undoHistory().depth()).isZero();
    }
  }

  private static MutationFaults faultAt(String wanted) {
    return point -> {
      if (point.equals(wanted)) {
        throw new IllegalStateException("injected at " + point);
      }
    };
  }
}
