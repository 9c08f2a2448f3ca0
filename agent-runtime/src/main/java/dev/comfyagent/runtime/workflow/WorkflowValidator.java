package dev.comfyagent.runtime.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.discover.InputSpec;
import dev.comfyagent.runtime.discover.NodeDefinition;
import dev.comfyagent.runtime.discover.NodeDefinitions;
import dev.comfyagent.runtime.discover.OutputSpec;
import dev.comfyagent.runtime.workflow.LiteralCheck.Finding;
import dev.comfyagent.runtime.workflow.ValidationProblem.Severity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Checks a workflow the way ComfyUI will when it is queued, so an assistant can fix it first.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * ValidationReport report = WorkflowValidator.validate(workflow, catalog.tryDefinitions());
 * report.valid();   // false when ComfyUI would refuse it
 * report.text();    // one line per problem, with suggestions
 * }</pre>
 *
 * <p>Always checked (the graph's structure): links are {@code ["<node id>", <output index>]}, point
 * at existing nodes, not at the node itself, and form no cycle; no literal holds a number ComfyUI
 * cannot read (NaN, ±Infinity, beyond a float's range: {@link JsonValues}). With the node catalog,
 * also: unknown {@code class_type} (with the closest known names), missing required inputs, links
 * to an output index the source does not have, link type mismatches ({@link LinkTypes}), literal
 * values of the wrong kind, below the minimum, above the maximum or not among the choices ({@link
 * LiteralCheck}), inputs the node does not declare (ComfyUI ignores them: a typo), and a workflow
 * without any output node (ComfyUI refuses it with "Prompt has no outputs").
 *
 * <p>Stateless and thread-safe.
 */
public final class WorkflowValidator {

  private WorkflowValidator() {}

  /** Validates {@code workflow}; with an empty {@code catalog} only the structure is checked. */
  public static ValidationReport validate(Workflow workflow, Optional<NodeDefinitions> catalog) {
    ObjectNode tree = workflow.tree();
    NodeDefinitions defs = catalog.orElse(null);
    List<ValidationProblem> problems = new ArrayList<>();
    for (Map.Entry<String, JsonNode> node : tree.properties()) {
      checkNode(tree, defs, node.getKey(), node.getValue(), problems);
    }
    findCycles(tree, problems);
    if (defs != null && !tree.isEmpty()) {
      checkOutputs(tree, defs, problems);
    }
    return new ValidationReport(problems, defs != null, tree.size());
  }

  private static void checkNode(
      ObjectNode tree,
      NodeDefinitions defs,
      String id,
      JsonNode node,
      List<ValidationProblem> problems) {
    String classType = node.path("class_type").asText();
    JsonNode inputs = node.path("inputs");
    NodeDefinition definition = null;
    if (defs != null) {
      definition = defs.find(classType).orElse(null);
      if (definition == null) {
        List<String> close =
            ClosestMatches.among(
                classType, defs.all().stream().map(NodeDefinition::classType).toList(), 3);
        problems.add(
            new ValidationProblem(
                Severity.ERROR,
                id,
                classType,
                null,
                "unknown class_type '" + classType + "': this ComfyUI has no such node",
                (close.isEmpty() ? "" : "did you mean " + String.join(" or ", close) + "? ")
                    + "find_missing_nodes names the custom node pack that provides it"));
      }
    }
    for (Map.Entry<String, JsonNode> input : inputs.properties()) {
      String name = input.getKey();
      JsonNode value = input.getValue();
      InputSpec spec = definition == null ? null : definition.input(name).orElse(null);
      if (definition != null && spec == null) {
        List<String> close = ClosestMatches.among(name, declaredNames(definition), 1);
        problems.add(
            new ValidationProblem(
                Severity.WARNING,
                id,
                classType,
                name,
                "is not an input of " + classType + "; ComfyUI ignores it",
                close.isEmpty()
                    ? "its inputs: " + String.join(", ", declaredNames(definition))
                    : "did you mean '" + close.get(0) + "'?"));
      }
      if (spec != null && spec.presence() == InputSpec.Presence.HIDDEN) {
        problems.add(
            new ValidationProblem(
                Severity.WARNING,
                id,
                classType,
                name,
                "is a hidden input that ComfyUI fills in itself; the value is ignored",
                "remove it"));
        continue;
      }
      Optional<Finding> finding;
      if (Workflow.isLink(value)) {
        finding = checkLink(tree, defs, id, spec, value);
      } else {
        finding = spec == null ? LiteralCheck.checkNumbers(value) : LiteralCheck.check(spec, value);
      }
      finding.ifPresent(
          f ->
              problems.add(
                  new ValidationProblem(
                      f.severity(), id, classType, name, f.message(), f.suggestion())));
    }
    if (definition != null) {
      for (InputSpec spec : definition.inputs()) {
        if (spec.presence() == InputSpec.Presence.REQUIRED && !inputs.has(spec.name())) {
          problems.add(
              new ValidationProblem(
                  Severity.ERROR,
                  id,
                  classType,
                  spec.name(),
                  "required input is missing (" + spec.type() + ")",
                  suggestionForMissing(tree, defs, spec)));
        }
      }
    }
  }

  /**
   * What is wrong with a link value feeding input {@code spec} of node {@code targetId}, if
   * anything. {@code defs} and {@code spec} may be {@code null} (then only structure is checked).
   */
  static Optional<Finding> checkLink(
      ObjectNode tree, NodeDefinitions defs, String targetId, InputSpec spec, JsonNode value) {
    if (value.size() != 2
        || !value.get(1).isIntegralNumber()
        || !value.get(1).canConvertToInt()
        || value.get(1).intValue() < 0
        || !(value.get(0).isTextual() || value.get(0).isIntegralNumber())) {
      return error(
          "is " + LiteralCheck.show(value) + ": a link must be [\"<node id>\", <output index>]",
          "ComfyUI reads every list input as a link");
    }
    if (!value.get(0).isTextual()) {
      return error(
          "links by the number " + value.get(0) + "; node ids in links must be strings",
          "write [\"" + value.get(0).asText() + "\", " + value.get(1) + "]");
    }
    String source = value.get(0).asText();
    int output = value.get(1).intValue();
    JsonNode sourceNode = tree.get(source);
    if (sourceNode == null) {
      return error(
          "links to node " + source + ", which does not exist",
          "connect it to an existing node or remove the input");
    }
    if (source.equals(targetId)) {
      return error("links to its own node", "a node cannot feed itself");
    }
    if (defs == null) {
      return Optional.empty();
    }
    String sourceClass = sourceNode.path("class_type").asText();
    Optional<NodeDefinition> sourceDef = defs.find(sourceClass);
    if (sourceDef.isEmpty()) {
      return Optional.empty(); // reported on the source node itself
    }
    Optional<OutputSpec> out = sourceDef.get().output(output);
    if (out.isEmpty()) {
      return error(
          "links to output "
              + output
              + " of node "
              + source
              + " ("
              + sourceClass
              + "), which has "
              + describeOutputs(sourceDef.get()),
          null);
    }
    if (spec != null && !LinkTypes.compatible(out.get().type(), spec.type())) {
      return error(
          "expects "
              + spec.type()
              + ", but output "
              + output
              + " of node "
              + source
              + " ("
              + sourceClass
              + ") is "
              + out.get().type(),
          matchingOutput(sourceDef.get(), spec.type())
              .map(i -> "use output " + i + " of node " + source + " instead")
              .orElse("connect an output of type " + spec.type()));
    }
    return Optional.empty();
  }

  private static Optional<Integer> matchingOutput(NodeDefinition def, String type) {
    for (OutputSpec out : def.outputs()) {
      if (LinkTypes.compatible(out.type(), type)) {
        return Optional.of(out.index());
      }
    }
    return Optional.empty();
  }

  static String describeOutputs(NodeDefinition def) {
    if (def.outputs().isEmpty()) {
      return "no outputs";
    }
    return "outputs "
        + def.outputs().stream()
            .map(o -> o.index() + " " + o.type())
            .collect(Collectors.joining(", "));
  }

  private static String suggestionForMissing(
      ObjectNode tree, NodeDefinitions defs, InputSpec spec) {
    if (spec.acceptsLiteral()) {
      return spec.defaultValue() == null
          ? "set it with set_input"
          : "set it with set_input, e.g. to the default " + LiteralCheck.show(spec.defaultValue());
    }
    for (Map.Entry<String, JsonNode> node : tree.properties()) {
      Optional<NodeDefinition> def = defs.find(node.getValue().path("class_type").asText());
      if (def.isPresent()) {
        for (OutputSpec out : def.get().outputs()) {
          if (LinkTypes.compatible(out.type(), spec.type()) && !"*".equals(out.type())) {
            return "connect a "
                + spec.type()
                + " output, e.g. [\""
                + node.getKey()
                + "\", "
                + out.index()
                + "] ("
                + def.get().classType()
                + ")";
          }
        }
      }
    }
    return "add a node with a " + spec.type() + " output and connect it";
  }

  private static List<String> declaredNames(NodeDefinition def) {
    return def.inputs().stream()
        .filter(i -> i.presence() != InputSpec.Presence.HIDDEN)
        .map(InputSpec::name)
        .toList();
  }

  private static void checkOutputs(
      ObjectNode tree, NodeDefinitions defs, List<ValidationProblem> problems) {
    boolean unknown = false;
    for (Map.Entry<String, JsonNode> node : tree.properties()) {
      Optional<NodeDefinition> def = defs.find(node.getValue().path("class_type").asText());
      if (def.isEmpty()) {
        unknown = true;
      } else if (def.get().outputNode()) {
        return;
      }
    }
    problems.add(
        new ValidationProblem(
            unknown ? Severity.WARNING : Severity.ERROR,
            null,
            null,
            null,
            unknown
                ? "no known output node (unless an unknown node is one): ComfyUI refuses a"
                    + " prompt without outputs"
                : "the workflow has no output node: ComfyUI refuses it (\"Prompt has no outputs\")",
            "add a SaveImage or PreviewImage node fed by the final image"));
  }

  /** Reports each cycle once, naming its nodes in order. */
  private static void findCycles(ObjectNode tree, List<ValidationProblem> problems) {
    Map<String, List<String>> upstream = new HashMap<>();
    for (Workflow.Link link : Workflow.adopt(tree).links()) {
      if (tree.has(link.fromNode()) && !link.fromNode().equals(link.toNode())) {
        upstream.computeIfAbsent(link.toNode(), k -> new ArrayList<>()).add(link.fromNode());
      }
    }
    Map<String, Integer> state = new LinkedHashMap<>(); // 1 = on the path, 2 = done
    for (String start : tree.properties().stream().map(Map.Entry::getKey).toList()) {
      if (state.containsKey(start)) {
        continue;
      }
      // Iterative depth-first search: a 500-node chain must not overflow the stack.
      List<String> path = new ArrayList<>();
      List<Integer> nextChild = new ArrayList<>();
      path.add(start);
      nextChild.add(0);
      state.put(start, 1);
      while (!path.isEmpty()) {
        int top = path.size() - 1;
        String node = path.get(top);
        List<String> parents = upstream.getOrDefault(node, List.of());
        int i = nextChild.get(top);
        if (i < parents.size()) {
          nextChild.set(top, i + 1);
          String parent = parents.get(i);
          Integer seen = state.get(parent);
          if (seen == null) {
            state.put(parent, 1);
            path.add(parent);
            nextChild.add(0);
          } else if (seen == 1) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(parent), path.size()));
            problems.add(
                new ValidationProblem(
                    Severity.ERROR,
                    parent,
                    tree.path(parent).path("class_type").asText(),
                    null,
                    "is part of a dependency cycle: "
                        + String.join(" <- ", cycle)
                        + " <- "
                        + parent,
                    "ComfyUI cannot run a cycle; remove one of its links"));
          }
        } else {
          state.put(node, 2);
          path.remove(top);
          nextChild.remove(top);
        }
      }
    }
  }

  private static Optional<Finding> error(String message, String suggestion) {
    return Optional.of(new Finding(Severity.ERROR, message, suggestion));
  }
}
