package dev.comfyagent.runtime.workflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.discover.NodeCatalog;
import dev.comfyagent.runtime.workflow.ValidationProblem.Severity;
import java.util.ArrayList;
import java.util.List;

/**
 * The outcome of {@link WorkflowValidator#validate}: the problems found, and whether the node
 * catalog was there to check against (without it only the graph's structure is checked).
 *
 * @param problems errors and warnings, in node order
 * @param catalogAvailable whether ComfyUI's node catalog was used
 * @param nodeCount how many nodes were checked
 * @param staleCatalog when the catalog used is not the live one but the copy ComfyUI sent earlier:
 *     why, and from when ({@link NodeCatalog.Lookup#note()}); {@code null} otherwise
 */
public record ValidationReport(
    List<ValidationProblem> problems,
    boolean catalogAvailable,
    int nodeCount,
    String staleCatalog) {

  public ValidationReport {
    problems = List.copyOf(problems);
  }

  /** A report checked against the live catalog, or without any. */
  public ValidationReport(
      List<ValidationProblem> problems, boolean catalogAvailable, int nodeCount) {
    this(problems, catalogAvailable, nodeCount, null);
  }

  /**
   * {@code workflow} validated against what {@code lookup} found, the report saying so when that
   * was an older copy of the catalog.
   */
  public static ValidationReport of(Workflow workflow, NodeCatalog.Lookup lookup) {
    ValidationReport report = WorkflowValidator.validate(workflow, lookup.definitions());
    return lookup.stale()
        ? new ValidationReport(
            report.problems(), report.catalogAvailable(), report.nodeCount(), lookup.note().get())
        : report;
  }

  public long errorCount() {
    return problems.stream().filter(p -> p.severity() == Severity.ERROR).count();
  }

  public long warningCount() {
    return problems.stream().filter(p -> p.severity() == Severity.WARNING).count();
  }

  /** Whether ComfyUI would accept the workflow as far as these checks can tell. */
  public boolean valid() {
    return errorCount() == 0;
  }

  /** Problems in {@code this} that {@code earlier} did not have (same node, input and message). */
  public List<ValidationProblem> newSince(ValidationReport earlier) {
    List<ValidationProblem> added = new ArrayList<>();
    for (ValidationProblem p : problems) {
      boolean known =
          earlier.problems.stream()
              .anyMatch(
                  q ->
                      q.severity() == p.severity()
                          && java.util.Objects.equals(q.nodeId(), p.nodeId())
                          && java.util.Objects.equals(q.input(), p.input())
                          && q.message().equals(p.message()));
      if (!known) {
        added.add(p);
      }
    }
    return added;
  }

  /** A readable report: a verdict line, then one line per problem. */
  public String text() {
    StringBuilder out = new StringBuilder();
    if (problems.isEmpty()) {
      out.append("No problems found in ").append(nodeCount).append(" nodes");
    } else {
      out.append(errorCount())
          .append(errorCount() == 1 ? " error" : " errors")
          .append(", ")
          .append(warningCount())
          .append(warningCount() == 1 ? " warning" : " warnings")
          .append(" in ")
          .append(nodeCount)
          .append(" nodes");
    }
    if (!catalogAvailable) {
      out.append(
          " (ComfyUI's node catalog was unavailable: only the graph structure was checked;"
              + " start ComfyUI or check COMFYUI_HOST/COMFYUI_PORT for full checks).");
    } else if (staleCatalog != null) {
      out.append(" (not checked against a live node catalog: ").append(staleCatalog).append(").");
    } else {
      out.append(" (checked against ComfyUI's node catalog).");
    }
    for (ValidationProblem p : problems) {
      out.append('\n').append("- ").append(p.describe());
    }
    return out.toString();
  }

  /** The report as JSON: {@code {valid, catalog_available, errors, warnings, problems: [...]}}. */
  public ObjectNode toJson() {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("valid", valid());
    json.put("catalog_available", catalogAvailable);
    json.put("catalog_live", catalogAvailable && staleCatalog == null);
    if (staleCatalog != null) {
      json.put("catalog_problem", staleCatalog);
    }
    json.put("node_count", nodeCount);
    json.put("errors", errorCount());
    json.put("warnings", warningCount());
    ArrayNode list = json.putArray("problems");
    problems.forEach(p -> list.add(p.toJson()));
    return json;
  }
}
