package dev.comfyagent.runtime.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import dev.comfyagent.runtime.discover.InputSpec;
import dev.comfyagent.runtime.discover.NodeDefinition;
import dev.comfyagent.runtime.files.AllowedRoots;
import dev.comfyagent.runtime.session.SessionRegistry;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolResult;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import net.jqwik.api.statistics.Statistics;

/**
 * The all-or-nothing promise of every tool that changes the workflow ({@code apply_workflow_patch},
 * {@code set_input}, {@code undo_workflow_patch}, {@code reset_workflow}, {@code load_workflow}),
 * checked on random graphs of ComfyUI's core nodes after a random history of edits: a call fails
 * either because one of its operations is bad (at a random position) or because a fault is injected
 * at a random point inside the change ({@link MutationFaults}: before any operation, the structural
 * check, after computing, while building the answer, just before the commit). Whenever the call
 * does not succeed, the workflow, its base and its undo history are exactly as before; when it
 * succeeds, they are what the call promised.
 */
class AllOrNothingPropertyTest {

  private static final ToolContext CONNECTION = ToolContext.detached("property");
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final List<String> TOOLS =
      List.of(
          "apply_workflow_patch",
          "set_input",
          "undo_workflow_patch",
          "reset_workflow",
          "load_workflow");
  private static final int UNDO_LIMIT = 4;

  private FileSystem fs;
  private SessionRegistry sessions;
  private Map<String, Tool> tools;

  @BeforeProperty
  void setUp() throws IOException {
    fs = Jimfs.newFileSystem(Configuration.unix());
    Path root = Files.createDirectories(fs.getPath("/workflows"));
    sessions = new SessionRegistry(UNDO_LIMIT);
    tools =
        WorkflowTools.create(
                sessions,
                Fixtures.fixedCatalog(),
                Fixtures.noManagerMap(),
                AllowedRoots.of(List.of(root)))
            .stream()
            .collect(Collectors.toMap(Tool::name, Function.identity()));
  }

  @AfterProperty
  void close() throws IOException {
    fs.close();
  }

  @Property(tries = 1000, edgeCases = EdgeCasesMode.MIXIN)
  void aMutatingCallThatDoesNotSucceedChangesNothing(
      @ForAll long seed,
      @ForAll @IntRange(min = 0, max = 6) int history,
      @ForAll @IntRange(min = 0, max = 4) int toolIndex,
      @ForAll @IntRange(min = -1, max = 5) int badOperation,
      @ForAll @IntRange(min = 0, max = 14) int faultAt) {
    Random random = new Random(seed);
    sessions.openScratchSession(CONNECTION.connectionId());
    WorkflowState state = sessions.current(CONNECTION.connectionId()).workflow();
    ObjectNode graph = randomGraph(random);
    state.load(Workflow.ofApi(graph));
    for (int i = 0; i < history; i++) {
      Workflow now = state.requireCurrent();
      try {
        state.apply(JsonPatch.of(randomOperations(random, now, -1)), "history " + i);
      } catch (PatchException e) {
        // a random edit may be refused (a link's value replaced by a node); history goes on
      }
    }
    Workflow before = state.requireCurrent();
    Workflow baseBefore = state.base().orElseThrow();
    List<UndoHistory.Entry> undoBefore = state.undoHistory().entries();

    String tool = TOOLS.get(toolIndex);
    ObjectNode arguments = arguments(tool, random, before, badOperation);
    int[] reached = {0};
    state.injectFaults(
        point -> {
          if (++reached[0] == faultAt) {
            throw new IllegalStateException("fault injected at " + point);
          }
        });
    boolean succeeded;
    try {
      ToolResult result = tools.get(tool).call(arguments, CONNECTION);
      succeeded = !result.isError();
    } catch (RuntimeException e) {
      succeeded = false;
    } finally {
      state.injectFaults(MutationFaults.NONE);
    }

    Statistics.collect(tool, succeeded ? "succeeded" : "failed");
    // Both outcomes of every tool must be exercised, or the property proves little.
    Statistics.coverage(
        coverage -> {
          for (String t : TOOLS) {
            coverage.check(t, "succeeded").count(c -> c >= 5);
            coverage.check(t, "failed").count(c -> c >= 5);
          }
        });
    if (!succeeded) {
      assertThat(state.requireCurrent()).as("the workflow after a failed " + tool).isSameAs(before);
      assertThat(state.base()).as("the base after a failed " + tool).containsSame(baseBefore);
      assertThat(state.undoHistory().entries())
          .as("the undo history after a failed " + tool)
          .isEqualTo(undoBefore);
      return;
    }
    assertThat(faultAt == 0 || faultAt > reached[0])
        .as("a call that reached its injected fault succeeded")
        .isTrue();
    assertSucceededAsPromised(tool, arguments, state, before, baseBefore, undoBefore);
  }

  private static void assertSucceededAsPromised(
      String tool,
      ObjectNode arguments,
      WorkflowState state,
      Workflow before,
      Workflow baseBefore,
      List<UndoHistory.Entry> undoBefore) {
    Workflow after = state.requireCurrent();
    List<UndoHistory.Entry> undoAfter = state.undoHistory().entries();
    switch (tool) {
      case "apply_workflow_patch", "set_input" -> {
        JsonPatch patch =
            tool.equals("set_input")
                ? JsonPatch.of(
                    List.of(
                        PatchOperation.add(
                            PatchOperation.pointer(
                                arguments.get("node_id").asText(),
                                "inputs",
                                arguments.get("input").asText()),
                            arguments.get("value"))))
                : JsonPatch.parse(arguments.get("patch"));
        Workflow expected = WorkflowPatcher.apply(before, patch).result();
        assertThat(after).isEqualTo(expected);
        boolean changed = !WorkflowDiff.between(before, expected).isEmpty();
        assertThat(after == before).isEqualTo(!changed);
        assertThat(undoAfter.size())
            .isEqualTo(changed ? Math.min(UNDO_LIMIT, undoBefore.size() + 1) : undoBefore.size());
        assertThat(state.base()).containsSame(baseBefore);
      }
      case "undo_workflow_patch" -> {
        int steps = arguments.path("steps").asInt(1);
        Workflow expected = before;
        for (int i = undoBefore.size() - 1; i >= undoBefore.size() - steps; i--) {
          expected = WorkflowPatcher.apply(expected, undoBefore.get(i).inverse()).result();
        }
        assertThat(after).isEqualTo(expected);
        assertThat(undoAfter).isEqualTo(undoBefore.subList(0, undoBefore.size() - steps));
      }
      case "reset_workflow" -> {
        assertThat(after).isEqualTo(baseBefore);
        boolean changed = !WorkflowDiff.between(before, baseBefore).isEmpty();
        assertThat(undoAfter.size())
            .isEqualTo(changed ? Math.min(UNDO_LIMIT, undoBefore.size() + 1) : undoBefore.size());
      }
      case "load_workflow" -> {
        assertThat(after).isEqualTo(Workflow.ofApi((ObjectNode) arguments.get("workflow")));
        assertThat(state.base()).containsSame(after);
        assertThat(undoAfter).isEmpty();
      }
      default -> throw new AssertionError(tool);
    }
  }

  private static ObjectNode arguments(String tool, Random random, Workflow now, int badOp) {
    ObjectNode arguments = JSON.objectNode();
    switch (tool) {
      case "apply_workflow_patch" -> {
        ArrayNode patch = arguments.putArray("patch");
        randomOperations(random, now, badOp).forEach(op -> patch.add(op.toJson()));
      }
      case "set_input" -> {
        List<String> ids = new ArrayList<>(now.nodeIds());
        String id = badOp == 0 ? "missing" : ids.get(random.nextInt(ids.size()));
        List<String> inputs = new ArrayList<>(now.inputNames(id));
        String input = inputs.isEmpty() ? "extra" : inputs.get(random.nextInt(inputs.size()));
        arguments.put("node_id", id);
        arguments.put("input", input);
        JsonNode value =
            badOp == 1
                ? DoubleNode.valueOf(Double.NaN)
                : badOp == 2
                    ? DecimalNode.valueOf(new BigDecimal("1e400"))
                    : random.nextBoolean()
                        ? now.input(id, input).orElse(JSON.numberNode(1))
                        : randomLiteral(random);
        arguments.set("value", value);
      }
      case "undo_workflow_patch" -> arguments.put("steps", 1 + random.nextInt(3));
      case "reset_workflow" -> {
        // no arguments
      }
      case "load_workflow" -> {
        ObjectNode graph = randomGraph(random);
        if (badOp == 0) {
          graph.putObject("broken").put("class_type", 3);
        }
        arguments.set("workflow", graph);
      }
      default -> throw new AssertionError(tool);
    }
    return arguments;
  }

  /**
   * One to five operations on {@code now}; the one at {@code badOp} (when in range) is one that
   * must fail: a missing node, a missing input, a test of a wrong value, or an unreadable number.
   */
  private static List<PatchOperation> randomOperations(Random random, Workflow now, int badOp) {
    int count = 1 + random.nextInt(5);
    List<PatchOperation> ops = new ArrayList<>();
    List<String> ids = new ArrayList<>(now.nodeIds());
    for (int i = 0; i < count; i++) {
      String id = ids.get(random.nextInt(ids.size()));
      List<String> inputs = new ArrayList<>(now.inputNames(id));
      String input = inputs.isEmpty() ? "extra" : inputs.get(random.nextInt(inputs.size()));
      String path = PatchOperation.pointer(id, "inputs", input);
      if (i == badOp) {
        ops.add(
            switch (random.nextInt(5)) {
              case 0 -> PatchOperation.replace("/missing/inputs/seed", JSON.numberNode(1));
              case 1 -> PatchOperation.remove(PatchOperation.pointer(id, "inputs", "no_such"));
              case 2 ->
                  PatchOperation.test(
                      PatchOperation.pointer(id, "class_type"), JSON.textNode("NotIt"));
              case 3 -> PatchOperation.add(path, DoubleNode.valueOf(Double.POSITIVE_INFINITY));
              default ->
                  PatchOperation.replace(PatchOperation.pointer(id, "inputs"), JSON.numberNode(3));
            });
        continue;
      }
      ops.add(
          switch (random.nextInt(6)) {
            case 0 ->
                PatchOperation.add(
                    PatchOperation.pointer(id, "inputs", "extra_" + random.nextInt(3)),
                    randomLiteral(random));
            case 1 ->
                inputs.isEmpty()
                    ? PatchOperation.add(path, randomLiteral(random))
                    : PatchOperation.remove(path);
            case 2 ->
                PatchOperation.add(
                    "/n" + random.nextInt(100),
                    node("PreviewImage", JSON.objectNode().set("images", link(id))));
            case 3 ->
                now.input(id, input).isPresent()
                    ? PatchOperation.test(
                        path, equalButSpelledDifferently(now.input(id, input).get()))
                    : PatchOperation.add(path, randomLiteral(random));
            case 4 ->
                now.input(id, input)
                    .map(v -> PatchOperation.replace(path, equalButSpelledDifferently(v)))
                    .orElse(PatchOperation.add(path, randomLiteral(random)));
            default -> PatchOperation.add(path, randomLiteral(random));
          });
    }
    return ops;
  }

  /** The same value in another JSON spelling where it is a number: 7.5 -> 7.50, 30 -> 30.0. */
  private static JsonNode equalButSpelledDifferently(JsonNode value) {
    if (value.isNumber() && JsonValues.isFinite(value)) {
      return DecimalNode.valueOf(value.decimalValue().setScale(value.decimalValue().scale() + 1));
    }
    return value.deepCopy();
  }

  /** Three to ten nodes of ComfyUI's core catalog, every required input filled, links included. */
  private static ObjectNode randomGraph(Random random) {
    List<NodeDefinition> definitions = new ArrayList<>(Fixtures.definitions().all());
    int size = 3 + random.nextInt(8);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      ids.add(Integer.toString(1 + random.nextInt(60)));
    }
    ObjectNode graph = JSON.objectNode();
    for (String id : ids) {
      NodeDefinition definition = definitions.get(random.nextInt(definitions.size()));
      ObjectNode inputs = JSON.objectNode();
      for (InputSpec spec : definition.inputs()) {
        if (spec.presence() != InputSpec.Presence.REQUIRED) {
          continue;
        }
        inputs.set(spec.name(), valueFor(spec, random, ids));
      }
      graph.set(id, node(definition.classType(), inputs));
    }
    return graph;
  }

  private static JsonNode valueFor(InputSpec spec, Random random, List<String> ids) {
    return switch (spec.type()) {
      case "INT" ->
          JSON.numberNode(
              spec.max() != null && spec.max().compareTo(new BigDecimal(Long.MAX_VALUE)) > 0
                  ? new BigInteger(64, random)
                  : BigInteger.valueOf(random.nextInt(100)));
      case "FLOAT" -> JSON.numberNode(BigDecimal.valueOf(random.nextInt(200), 1));
      case "STRING" -> JSON.textNode("text " + random.nextInt(10));
      case "BOOLEAN" -> JSON.booleanNode(random.nextBoolean());
      case "COMBO" ->
          JSON.textNode(
              spec.choices().isEmpty()
                  ? "none"
                  : spec.choices().get(random.nextInt(spec.choices().size())));
      default -> link(ids.get(random.nextInt(ids.size())));
    };
  }

  private static JsonNode randomLiteral(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> JSON.numberNode(random.nextInt(1000));
      case 1 -> JSON.numberNode(BigDecimal.valueOf(random.nextInt(1000), 2));
      case 2 -> JSON.textNode("v" + random.nextInt(5));
      default -> JSON.booleanNode(random.nextBoolean());
    };
  }

  private static ArrayNode link(String id) {
    return JSON.arrayNode().add(id).add(0);
  }

  private static ObjectNode node(String classType, JsonNode inputs) {
    ObjectNode node = JSON.objectNode();
    node.put("class_type", classType);
    node.set("inputs", inputs);
    return node;
  }
}
