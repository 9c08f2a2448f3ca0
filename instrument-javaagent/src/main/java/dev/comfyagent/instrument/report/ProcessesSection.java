package dev.comfyagent.instrument.report;

import static dev.comfyagent.instrument.report.PageText.esc;
import static dev.comfyagent.instrument.report.PageText.orDash;

/**
 * The page's "Processes" table ({@code #processes}): one row per {@code service.instance.id}, with
 * what was read of it and whether it ended with a final metrics line.
 */
final class ProcessesSection extends PageSection {

  ProcessesSection(Run run, StringBuilder out) {
    super(run, out);
  }

  @Override
  void write() {
    out.append("<section id=\"processes\"><h2>Processes</h2>")
        .append("<p class=\"muted small\">One row per <code>service.instance.id</code> (host, pid")
        .append(" and start time); files without one are named by pid or file.</p>")
        .append("<div class=\"scroll\"><table id=\"processes-table\"><thead><tr>")
        .append(
            "<th>service.instance.id</th><th>service</th><th>agent</th><th class=\"n\">pid</th>")
        .append(
            "<th>first seen (UTC)</th><th>last seen (UTC)</th><th class=\"n\">metrics lines</th>")
        .append("<th class=\"n\">trace lines</th><th class=\"n\">hlog intervals</th><th>ended</th>")
        .append(
            "<th class=\"n\">dropped</th><th class=\"n\">internal errors</th></tr></thead><tbody>");
    for (Run.Process p : run.processes.values()) {
      out.append("<tr data-instance=\"")
          .append(esc(p.instanceId))
          .append("\"><td class=\"mono\">")
          .append(esc(p.instanceId))
          .append("</td><td>")
          .append(esc(orDash(p.serviceName)))
          .append("</td><td>")
          .append(esc(orDash(p.version)))
          .append("</td><td class=\"n\">")
          .append(p.pid == 0 ? "–" : Long.toString(p.pid))
          .append("</td><td>")
          .append(p.firstMillis == Long.MAX_VALUE ? "–" : Timestamps.format(p.firstMillis))
          .append("</td><td>")
          .append(p.lastMillis == Long.MIN_VALUE ? "–" : Timestamps.format(p.lastMillis))
          .append("</td><td class=\"n\">")
          .append(p.metricsLines)
          .append("</td><td class=\"n\">")
          .append(p.traceLines)
          .append("</td><td class=\"n\">")
          .append(p.latencyIntervals)
          .append("</td><td>")
          .append(p.metricsLines == 0 ? "–" : p.finalLine ? "final line" : "no final line")
          .append("</td><td class=\"n\">")
          .append(p.agent("trace_lines_dropped"))
          .append("</td><td class=\"n\">")
          .append(p.agent("internal_errors"))
          .append("</td></tr>");
    }
    out.append("</tbody></table></div></section>\n");
  }
}
