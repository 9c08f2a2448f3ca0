package dev.comfyagent.instrument.report;

import static dev.comfyagent.instrument.report.PageText.duration;
import static dev.comfyagent.instrument.report.PageText.esc;
import static dev.comfyagent.instrument.report.PageText.plural;

import java.util.ArrayList;
import java.util.List;

/**
 * The page's "Agent health" box ({@code #health}): what the agent lost or could not read (dropped
 * trace lines, swallowed errors, classes not instrumented, unreadable lines, gaps between metrics
 * lines), as problems, and what the reader should know (no final line, failed GPU reads, calls
 * without a trace line), as notes. The box is red with a problem, amber with a note only.
 */
final class HealthSection extends PageSection {

  HealthSection(Run run, StringBuilder out) {
    super(run, out);
  }

  @Override
  void write() {
    List<String> problems = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    long dropped = run.agentTotal("trace_lines_dropped");
    long internal = run.agentTotal("internal_errors");
    long failures = run.agentTotal("instrumentation_failures");
    long unlisted = run.agentTotal("circuit_breaker_transitions_unlisted");
    if (dropped > 0) {
      problems.add(
          dropped
              + " trace lines were dropped by the agent (its queue was full): the chains and"
              + " per-call figures from traces miss them; counts and latencies from metrics and"
              + " latency.hlog do not");
    }
    if (internal > 0) {
      problems.add(
          internal
              + " internal errors of the agent were swallowed (debug=on names them on stderr)");
    }
    if (failures > 0) {
      problems.add(failures + " classes could not be instrumented (debug=on lists them)");
    }
    if (unlisted > 0) {
      problems.add(
          unlisted
              + " circuit-breaker transitions happened too fast to be listed; the band shows the"
              + " states seen at each metrics line");
    }
    for (Run.Unreadable u : run.unreadable) {
      problems.add(
          u.lines() + " unreadable line(s) in " + u.kind() + " — first: " + u.firstProblem());
    }
    for (Run.Process p : run.processes.values()) {
      for (long[] gap : p.gaps) {
        problems.add(
            "no metrics line from "
                + p.instanceId
                + " for "
                + duration(gap[1] - gap[0])
                + " after "
                + Timestamps.format(gap[0])
                + " UTC (process paused, stopped, or its lines rotated away)");
      }
      if (p.metricsLines > 0 && !p.finalLine) {
        notes.add(
            p.instanceId
                + " has no final metrics line: it was still running when the files were read, or"
                + " it was killed");
      }
      long gpuErrors = p.gpuErrors.values().stream().mapToLong(Long::longValue).sum();
      if (gpuErrors > 0) {
        notes.add(p.instanceId + ": " + gpuErrors + " GPU reads failed " + p.gpuErrors);
      }
    }
    if (run.countsSource == Run.Source.METRICS) {
      long calls = run.totalCalls();
      if (run.traceLinesInWindow == 0 && calls > 0) {
        notes.add(
            "no trace lines: trace=off, or the trace files were not given; the slowest chains"
                + " and the render spans need them");
      } else if (run.traceLinesInWindow < calls) {
        notes.add(
            (calls - run.traceLinesInWindow)
                + " of "
                + calls
                + " calls have no trace line (dropped, rotated away, or before the window)");
      }
    }
    String level = !problems.isEmpty() ? "bad" : notes.isEmpty() ? "" : "warn";
    out.append("<section id=\"health\" class=\"health ")
        .append(level)
        .append("\" data-trace-lines-dropped=\"")
        .append(dropped)
        .append("\" data-internal-errors=\"")
        .append(internal)
        .append("\" data-instrumentation-failures=\"")
        .append(failures)
        .append("\"><h3>Agent health: ")
        .append(
            problems.isEmpty()
                ? "no data lost"
                : plural(problems.size(), "problem", "problems") + " — figures may be incomplete")
        .append("</h3><p class=\"small\">")
        .append(dropped)
        .append(" trace lines dropped · ")
        .append(internal)
        .append(" internal errors · ")
        .append(failures)
        .append(" classes not instrumented · ")
        .append(run.traceLinesInWindow)
        .append(" trace lines read</p>");
    if (!problems.isEmpty() || !notes.isEmpty()) {
      out.append("<ul>");
      for (String problem : problems) {
        out.append("<li>").append(esc(problem)).append("</li>");
      }
      for (String note : notes) {
        out.append("<li class=\"muted\">").append(esc(note)).append("</li>");
      }
      out.append("</ul>");
    }
    out.append("</section>\n");
  }
}
