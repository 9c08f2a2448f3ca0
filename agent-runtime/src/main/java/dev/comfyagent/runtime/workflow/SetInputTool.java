package dev.comfyagent.runtime.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.discover.InputSpec;
import dev.comfyagent.runtime.discover.NodeCatalog;
import dev.comfyagent.runtime.discover.NodeDefinition;
import dev.comfyagent.runtime.discover.NodeDefinitions;
import dev.comfyagent.runtime.tool.InputSchema;
import dev.comfyagent.runtime.tool.InvalidArgumentException;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolArguments;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolException;
import dev.comfyagent.runtime.tool.ToolResult;
import dev.comfyagent.runtime.workflow.LiteralCheck.Finding;
import dev.comfyagent.runtime.workflow.ValidationProblem.Severity;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code set_input}: sets one input of one node to a literal or a link, checked against the node
 * catalog when ComfyUI can be asked, as one undoable step.
 *
 * <p>Numbers sent as strings are converted to exact numbers for INT and FLOAT inputs: clients
 * written in JavaScript cannot hold a seed such as 18446744073709551615 as a number.
 */
public final class SetInputTool implements Tool {

  private final CurrentWorkflows workflows;
  private final NodeCatalog catalog;

  public SetInputTool(CurrentWorkflows workflows, NodeCatalog catalog) {
    this.workflows = workflows;
    this.catalog = catalog;
  }

  @Override
  public String name() {
    return "set_input";
  }

  @Override
  public String description() {
    return "Set one input of one node in the current workflow: a literal (number, text, boolean,"
        + " or one of a list's choices) or a link [\"<source node id>\", <output index>]. The"
        + " value is checked against ComfyUI's node catalog (kind, minimum/maximum, choices,"
        + " link type; an unknown input name is refused with the valid names). Large integers"
        + " such as seeds may be sent as strings of digits. One undoable step.";
  }

  @Override
  public ObjectNode inputSchema() {
    ObjectNode nodeId = JsonNodeFactory.instance.objectNode();
    nodeId.putArray("type").add("string").add("integer");
    nodeId.put("description", "Id of the node, e.g. \"3\"");
    return InputSchema.object()
        .property("node_id", true, nodeId)
        .requiredString("input", "Name of the input, e.g. seed, steps, cfg, ckpt_name, text")
        .requiredAny("value", "The new value: a literal, or a link [\"<node id>\", <output index>]")
        .build();
  }

  @Override
  public ToolResult call(ObjectNode arguments, ToolContext context) {
    WorkflowState state = workflows.currentWorkflow(context.connectionId());
    Workflow workflow = state.requireCurrent();
    String nodeId = nodeIdArgument(arguments);
    String input = ToolArguments.of(arguments).requiredString("input");
    JsonNode value = ToolArguments.of(arguments).requiredAny("value").deepCopy();
    if (!workflow.hasNode(nodeId)) {
      throw new InvalidArgumentException(
          "node "
              + nodeId
              + " does not exist"
              + (workflow.size() <= 40
                  ? " (the workflow has nodes " + String.join(", ", workflow.nodeIds()) + ")"
                  : ""));
    }
    String classType = workflow.classTypeOf(nodeId).orElseThrow();
    String where = "node " + nodeId + " (" + classType + ") " + input;
    Optional<Finding> unreadable = LiteralCheck.checkNumbers(value);
    if (unreadable.isPresent()) {
      throw new InvalidArgumentException(
          where + ": " + unreadable.get().message() + ". Nothing was changed.");
    }
    List<String> notes = new ArrayList<>();
    Optional<NodeDefinitions> definitions = catalog.tryDefinitions();
    Optional<NodeDefinition> definition = definitions.flatMap(d -> d.find(classType));
    if (definitions.isEmpty()) {
      notes.add("ComfyUI's node catalog is unavailable: the value was not checked");
    } else if (definition.isEmpty()) {
      notes.add(classType + " is unknown to ComfyUI's catalog: the value was not checked");
    }
    InputSpec spec = null;
    if (definition.isPresent()) {
      spec = requireInput(definition.get(), input);
      value = exactNumber(spec, value, notes);
    }
    Optional<Finding> finding =
        Workflow.isLink(value)
            ? WorkflowValidator.checkLink(
                workflow.tree(), definitions.orElse(null), nodeId, spec, value)
            : spec == null ? Optional.empty() : LiteralCheck.check(spec, value);
    if (finding.isPresent() && finding.get().severity() == Severity.ERROR) {
      Finding f = finding.get();
      throw new InvalidArgumentException(
          where
              + ": "
              + f.message()
              + (f.suggestion() == null ? "" : " — " + f.suggestion())
              + ". Nothing was changed.");
    }
    finding.ifPresent(
        f -> notes.add(f.message() + (f.suggestion() == null ? "" : " — " + f.suggestion())));
    if (definition.isEmpty() && !workflow.inputNames(nodeId).contains(input)) {
      notes.add("'" + input + "' is a new input on this node");
    }
    String path = PatchOperation.pointer(nodeId, "inputs", input);
    PatchOperation op =
        workflow.inputNames(nodeId).contains(input)
            ? PatchOperation.replace(path, value)
            : PatchOperation.add(path, value);
    JsonNode newValue = value;
    boolean checked = spec != null;
    try {
      return state.apply(
          JsonPatch.of(List.of(op)),
          "set_input " + nodeId + "." + input,
          change -> answer(change, where, nodeId, classType, input, newValue, checked, notes));
    } catch (PatchException e) {
      throw new ToolException(where + ": " + e.getMessage());
    }
  }

  /** The answer to a set_input, built before the change is made. */
  private static ToolResult answer(
      WorkflowState.Change change,
      String where,
      String nodeId,
      String classType,
      String input,
      JsonNode value,
      boolean checked,
      List<String> notes) {
    JsonNode old = change.before().tree().path(nodeId).path("inputs").get(input);
    StringBuilder text = new StringBuilder();
    if (change.changed()) {
      text.append("Set ")
          .append(where)
          .append(": ")
          .append(old == null ? "(unset)" : LiteralCheck.show(old))
          .append(" -> ")
          .append(LiteralCheck.show(value))
          .append(" (undo depth now ")
          .append(change.undoDepth())
          .append(").");
    } else {
      text.append(where)
          .append(" is already ")
          .append(LiteralCheck.show(old == null ? value : old))
          .append("; nothing was changed (undo depth stays ")
          .append(change.undoDepth())
          .append(").");
    }
    notes.forEach(n -> text.append("\nNote: ").append(n));
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("node_id", nodeId);
    json.put("class_type", classType);
    json.put("input", input);
    if (old != null) {
      json.set("before", old.deepCopy());
    }
    json.set("after", (change.changed() || old == null ? value : old).deepCopy());
    json.put("changed", change.changed());
    json.put("undo_depth", change.undoDepth());
    json.put("checked", checked);
    ArrayNode noteArray = json.putArray("notes");
    notes.forEach(noteArray::add);
    return ToolResult.of(text.toString(), json);
  }

  private static InputSpec requireInput(NodeDefinition def, String input) {
    Optional<InputSpec> spec = def.input(input);
    if (spec.isPresent() && spec.get().presence() != InputSpec.Presence.HIDDEN) {
      return spec.get();
    }
    List<String> names =
        def.inputs().stream()
            .filter(i -> i.presence() != InputSpec.Presence.HIDDEN)
            .map(InputSpec::name)
            .toList();
    List<String> close = ClosestMatches.among(input, names, 1);
    throw new InvalidArgumentException(
        def.classType()
            + " has no input '"
            + input
            + "'"
            + (close.isEmpty() ? "" : "; did you mean '" + close.get(0) + "'?")
            + " Its inputs: "
            + String.join(", ", names)
            + ". Nothing was changed.");
  }

  /** A string of digits for an INT or FLOAT input becomes the exact number. */
  private static JsonNode exactNumber(InputSpec spec, JsonNode value, List<String> notes) {
    if (!value.isTextual() || !("INT".equals(spec.type()) || "FLOAT".equals(spec.type()))) {
      return value;
    }
    String text = value.asText().trim();
    try {
      BigDecimal number = new BigDecimal(text);
      JsonNode exact;
      if ("INT".equals(spec.type())) {
        if (number.stripTrailingZeros().scale() > 0) {
          return value;
        }
        exact = JsonNodeFactory.instance.numberNode(number.toBigIntegerExact());
      } else {
        exact = JsonNodeFactory.instance.numberNode(number);
      }
      notes.add("the string \"" + text + "\" was stored as the number " + exact);
      return exact;
    } catch (NumberFormatException | ArithmeticException e) {
      return value;
    }
  }

  /** The {@code node_id} argument: a string, or an integer as assistants often send. */
  private static String nodeIdArgument(ObjectNode arguments) {
    JsonNode value = arguments.get("node_id");
    if (value == null || value.isNull()) {
      throw new InvalidArgumentException("argument 'node_id' is required (a node id like \"3\")");
    }
    if (value.isTextual() && !value.asText().isBlank()) {
      return value.asText();
    }
    if (value.isIntegralNumber()) {
      return value.asText();
    }
    throw new InvalidArgumentException(
        "argument 'node_id' must be a node id like \"3\", got " + LiteralCheck.show(value));
  }
}
