package dev.comfyagent.instrument.report;

import static dev.comfyagent.instrument.report.PageText.duration;
import static dev.comfyagent.instrument.report.PageText.esc;
import static dev.comfyagent.instrument.report.PageText.percent;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The page's "Tools" section ({@code #tools}): the table of every tool's calls, errors and
 * percentiles (each figure in a {@code data-field} cell), the percentile plot of the slowest tools,
 * and a card per tool (the {@link #TOOL_CARDS} most called) with its calls and errors per second,
 * its percentiles over time and its own percentile plot.
 */
final class ToolsSection extends PageSection {

  /** The most tools with plots of their own; the table lists every tool. */
  static final int TOOL_CARDS = 24;

  ToolsSection(Run run, StringBuilder out) {
    super(run, out);
  }

  @Override
  void write() {
    out.append("<section id=\"tools\"><h2>Tools</h2><p class=\"muted small\">")
        .append("Whole run. Calls and errors from ")
        .append(run.countsSource.label)
        .append("; latencies (ms) from ")
        .append(run.latencySource.label)
        .append(
            run.latencySource == Run.Source.HLOG && run.processes.size() > 1
                ? ": the interval histograms of every process added up, so percentiles are exact over"
                    + " the fleet, never averaged"
                : "")
        .append(".</p><div class=\"scroll\"><table id=\"tools-table\"><thead><tr><th>tool</th>")
        .append("<th class=\"n\">calls</th><th class=\"n\">ok</th><th class=\"n\">errors</th>")
        .append(
            "<th class=\"n\">error rate</th><th class=\"n\">p50 ms</th><th class=\"n\">p95 ms</th>")
        .append("<th class=\"n\">p99 ms</th><th class=\"n\">max ms</th></tr></thead><tbody>");
    List<Run.Tool> byCalls = new ArrayList<>(run.tools.values());
    byCalls.sort(Comparator.comparingLong((Run.Tool t) -> -t.calls).thenComparing(t -> t.name));
    for (Run.Tool t : byCalls) {
      out.append("<tr data-tool=\"").append(esc(t.name)).append("\"><td>");
      out.append(esc(t.name)).append("</td>");
      cell("calls", Long.toString(t.calls));
      cell("ok", Long.toString(t.ok));
      cell("err", Long.toString(t.err));
      cell("error_rate", t.calls == 0 ? "–" : percent(t.err, t.calls));
      cell("p50_ms", Charts.millis(t.p50));
      cell("p95_ms", Charts.millis(t.p95));
      cell("p99_ms", Charts.millis(t.p99));
      cell("max_ms", Charts.millis(t.max));
      out.append("</tr>");
    }
    out.append("</tbody></table></div>");
    overview(byCalls);
    TimeBins bins = run.bins;
    out.append("<p class=\"muted small\">Over time: one point per ")
        .append(duration(bins.widthMillis()))
        .append(" bin; each bin's percentiles from every call in it; a dot marks each plot's")
        .append(" highest value.</p>");
    int shown = 0;
    for (Run.Tool t : byCalls) {
      if (shown++ == TOOL_CARDS) {
        out.append("<p class=\"muted\">")
            .append(byCalls.size() - TOOL_CARDS)
            .append(" more tools are in the table only.</p>");
        break;
      }
      toolCard(t);
    }
    out.append("</section>\n");
  }

  /** Every tool's percentile curve in one plot: which tool is slow, and at which percentile. */
  private void overview(List<Run.Tool> byCalls) {
    List<Run.Tool> slowest = new ArrayList<>();
    for (Run.Tool t : byCalls) {
      if (t.latencies != null) {
        slowest.add(t);
      }
    }
    if (slowest.isEmpty()) {
      return;
    }
    slowest.sort(Comparator.comparingDouble((Run.Tool t) -> -t.p99));
    List<PercentileCurve> curves = new ArrayList<>();
    List<String> css = new ArrayList<>();
    StringBuilder legend = new StringBuilder("<div class=\"legend\">");
    for (Run.Tool t : slowest.subList(0, Math.min(ReportPage.SERIES_PER_PLOT, slowest.size()))) {
      curves.add(PercentileCurve.of(t.latencies));
      css.add("s" + curves.size());
      legend
          .append("<span class=\"key k")
          .append(curves.size())
          .append("\">")
          .append(esc(t.name))
          .append("</span>");
    }
    if (slowest.size() > ReportPage.SERIES_PER_PLOT) {
      legend
          .append("<span>")
          .append(slowest.size() - ReportPage.SERIES_PER_PLOT)
          .append(" more below</span>");
    }
    out.append("<div class=\"card\"><div class=\"grid2\"><div><h3>Latency by percentile, slowest")
        .append(" tools by p99</h3>")
        .append(legend)
        .append("</div>")
        .append(
            Charts.percentilePlot(
                "Latency by percentile of the slowest tools (log scale)", curves, css, true))
        .append("</div><div class=\"small muted\"><p>HdrHistogram's percentile plot of each tool's")
        .append(" calls over the whole run: left, the typical call; right, the slowest. The")
        .append(" horizontal axis stretches the tail (90%, 99%, 99.9%, ...), the latency is on a")
        .append(" log scale, so tools of milliseconds and of minutes share the plot.</p><p>A tool")
        .append(
            " whose curve is high everywhere is slow; one that is low and turns up at the right")
        .append(
            " is fast but sometimes stalls (a lock, a cold cache, a queue).</p></div></div></div>");
  }

  private void cell(String field, String value) {
    out.append("<td class=\"n\" data-field=\"")
        .append(field)
        .append("\">")
        .append(esc(value))
        .append("</td>");
  }

  private void toolCard(Run.Tool t) {
    TimeBins bins = run.bins;
    long[] centers = bins.centers();
    double[] rate = new double[bins.count()];
    double[] errors = new double[bins.count()];
    for (int i = 0; i < bins.count(); i++) {
      rate[i] = t.callsPerBin[i] / bins.widthSeconds();
      errors[i] = t.errorsPerBin[i] / bins.widthSeconds();
    }
    out.append("<div class=\"card\" data-tool-card=\"")
        .append(esc(t.name))
        .append("\"><h3>")
        .append(esc(t.name))
        .append("</h3><div class=\"figs\"><span><b>")
        .append(t.calls)
        .append("</b> calls</span><span")
        .append(t.err > 0 ? " class=\"bad\"" : "")
        .append("><b>")
        .append(t.err)
        .append("</b> errors")
        .append(t.calls > 0 ? " (" + percent(t.err, t.calls) + ")" : "")
        .append("</span><span>p50 <b>")
        .append(Charts.millis(t.p50))
        .append("</b></span><span>p95 <b>")
        .append(Charts.millis(t.p95))
        .append("</b></span><span>p99 <b>")
        .append(Charts.millis(t.p99))
        .append("</b></span><span>max <b>")
        .append(Charts.millis(t.max))
        .append("</b> ms</span></div><div class=\"grid2\"><div>")
        .append("<div class=\"legend\"><span class=\"key k1\">calls/s</span>")
        .append("<span class=\"key box kerr\">errors/s</span></div>");
    out.append(
        Charts.timeChart(
            "Calls and errors per second of " + t.name,
            bins,
            "calls/s",
            false,
            Double.NaN,
            List.of(
                new Charts.Series("errors/s", "err", centers, errors, Charts.Style.BARS, false),
                new Charts.Series("calls/s", "s1", centers, rate, Charts.Style.LINE, true)),
            List.of()));
    out.append("</div><div>");
    if (t.perBin != null) {
      out.append(
              "<div class=\"legend\"><span class=\"key k1\">p50</span><span class=\"key k2\">p95"
                  + "</span><span class=\"key k3\">p99</span><span class=\"key k6\">max</span>"
                  + "</div>")
          .append(
              Charts.timeChart(
                  "Latency percentiles over time of " + t.name + " (ms)",
                  bins,
                  "ms",
                  true,
                  Double.NaN,
                  List.of(
                      new Charts.Series(
                          "max", "s6", centers, t.perBin.max(), Charts.Style.DASHED, true),
                      new Charts.Series(
                          "p99", "s3", centers, t.perBin.p99(), Charts.Style.LINE, false),
                      new Charts.Series(
                          "p95", "s2", centers, t.perBin.p95(), Charts.Style.LINE, false),
                      new Charts.Series(
                          "p50", "s1", centers, t.perBin.p50(), Charts.Style.LINE, false)),
                  List.of()));
    } else {
      out.append(
          "<p class=\"muted small\">No latency over time: it needs latency.hlog or traces.jsonl.</p>");
    }
    out.append("</div></div>");
    if (t.latencies != null) {
      out.append("<div class=\"grid2\"><div><div class=\"legend\"><span class=\"key k5\">")
          .append("latency by percentile (")
          .append(t.latencies.getTotalCount())
          .append(" calls)</span></div>")
          .append(
              Charts.percentilePlot(
                  "Latency by percentile of " + t.name + ", HdrHistogram plot",
                  PercentileCurve.of(t.latencies),
                  "s5"))
          .append("</div><div class=\"small muted\"><p>Read it as: a call of <b>")
          .append(esc(t.name))
          .append("</b> is faster than the curve's value at that percentile. The right end is the")
          .append(" slowest call; a curve that turns up sharply at 99% means a few calls wait for")
          .append(" something the others do not.</p>")
          .append(percentileTable(t))
          .append("</div></div>");
    }
    out.append("</div>\n");
  }

  private String percentileTable(Run.Tool t) {
    StringBuilder table = new StringBuilder("<table class=\"small\"><tbody>");
    double[] levels = {50, 90, 99, 99.9, 99.99};
    for (double level : levels) {
      table
          .append("<tr><td>")
          .append(level == Math.rint(level) ? Long.toString((long) level) : Double.toString(level))
          .append("%</td><td class=\"n\">")
          .append(Charts.millis(t.latencies.getValueAtPercentile(level) / 1000.0))
          .append(" ms</td></tr>");
    }
    return table.append("</tbody></table>").toString();
  }
}
