package dev.comfyagent.instrument.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report as one self-contained HTML page: the stylesheet inline (allowed by its hash in a
 * {@code Content-Security-Policy} of {@code default-src 'none'}, so the page can load nothing: no
 * script, font, image or stylesheet from anywhere), every plot inline SVG, no script at all. Light
 * and dark follow the reader's {@code prefers-color-scheme}; printed, it is light and breaks pages
 * between plots.
 *
 * <p>The figures of the tables carry {@code data-*} attributes with the exact values ({@code
 * data-tool}, {@code data-field}), so that a test, or a script of the reader's, can read them from
 * the page's DOM.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * String html = ReportPage.render(run, "0.1.0", System.currentTimeMillis());
 * }</pre>
 */
final class ReportPage {

  /** The most tools with plots of their own; the table lists every tool. */
  static final int TOOL_CARDS = 24;

  /** The most processes drawn as separate lines in one plot. */
  static final int SERIES_PER_PLOT = 6;

  private static final String STYLE = stylesheet();

  private final Run run;
  private final StringBuilder out = new StringBuilder(256 * 1024);

  private ReportPage(Run run) {
    this.run = run;
  }

  /** The page. */
  static String render(Run run, String agentVersion, long generatedMillis) {
    ReportPage page = new ReportPage(run);
    page.head();
    page.header(agentVersion, generatedMillis);
    page.health();
    page.processes();
    page.tools();
    page.resilience();
    page.memory();
    page.gpu();
    page.chains();
    page.footer(agentVersion, generatedMillis);
    page.out.append("</main></body></html>\n");
    return page.out.toString();
  }

  /** The {@code Content-Security-Policy} of the page. */
  static String contentSecurityPolicy() {
    return "default-src 'none'; style-src '" + styleHash() + "'";
  }

  // ---- head

  private void head() {
    out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"")
        .append(contentSecurityPolicy())
        .append("\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<meta name=\"color-scheme\" content=\"light dark\">")
        .append("<meta name=\"referrer\" content=\"no-referrer\">")
        .append("<title>Tool calls ")
        .append(Timestamps.format(run.firstMillis))
        .append(" to ")
        .append(Timestamps.format(run.lastMillis))
        .append(" UTC · comfy-agent report</title><style>")
        .append(STYLE)
        .append("</style></head><body><main>\n");
  }

  private void header(String agentVersion, long generatedMillis) {
    out.append("<header><h1>Tool calls, latency and health</h1><p class=\"muted\" id=\"range\"")
        .append(" data-from=\"")
        .append(Timestamps.iso(run.firstMillis))
        .append("\" data-to=\"")
        .append(Timestamps.iso(run.lastMillis))
        .append("\">")
        .append(Timestamps.format(run.firstMillis))
        .append(" to ")
        .append(Timestamps.format(run.lastMillis))
        .append(" UTC (")
        .append(duration(run.lastMillis - run.firstMillis))
        .append(")");
    if (!run.window.isAll()) {
      out.append(" · window");
      if (run.window.sinceText() != null) {
        out.append(" --since ").append(esc(run.window.sinceText()));
      }
      if (run.window.untilText() != null) {
        out.append(" --until ").append(esc(run.window.untilText()));
      }
    }
    out.append(" · ")
        .append(plural(run.processes.size(), "process", "processes"))
        .append(" · generated ")
        .append(Timestamps.format(generatedMillis))
        .append(" UTC by instrument-javaagent ")
        .append(esc(agentVersion))
        .append("</p></header>\n");
    long calls = run.totalCalls();
    long errors = run.tools.values().stream().mapToLong(t -> t.err).sum();
    out.append("<div class=\"summary\">");
    stat("calls", Long.toString(calls), "tool calls", "total-calls");
    stat(
        "errors",
        Long.toString(errors) + (calls > 0 ? " (" + percent(errors, calls) + ")" : ""),
        "failed calls",
        "total-errors");
    stat("tools", Integer.toString(run.tools.size()), "tools called", "tool-count");
    stat("processes", Integer.toString(run.processes.size()), "processes", "process-count");
    stat("renders", Long.toString(run.renders), RunReader.RENDER_TOOL + " calls", "renders");
    out.append("</div>\n");
  }

  private void stat(String key, String value, String label, String id) {
    out.append("<div class=\"stat\" id=\"")
        .append(id)
        .append("\" data-field=\"")
        .append(key)
        .append("\"><b>")
        .append(esc(value))
        .append("</b><span>")
        .append(esc(label))
        .append("</span></div>");
  }

  // ---- health

  private void health() {
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

  // ---- processes

  private void processes() {
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

  // ---- tools

  private void tools() {
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
    for (Run.Tool t : slowest.subList(0, Math.min(SERIES_PER_PLOT, slowest.size()))) {
      curves.add(PercentileCurve.of(t.latencies));
      css.add("s" + curves.size());
      legend
          .append("<span class=\"key k")
          .append(curves.size())
          .append("\">")
          .append(esc(t.name))
          .append("</span>");
    }
    if (slowest.size() > SERIES_PER_PLOT) {
      legend.append("<span>").append(slowest.size() - SERIES_PER_PLOT).append(" more below</span>");
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
    long[] centers = centers(bins);
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

  // ---- breakers, limiters, sessions

  private void resilience() {
    out.append("<section id=\"resilience\"><h2>Circuit breakers, rate limiters, sessions</h2>");
    if (run.breakers.isEmpty()) {
      out.append("<p class=\"muted\">No circuit breaker was seen.</p>");
    } else {
      List<Run.BreakerTimeline> shown =
          run.breakers.size() > 20 ? run.breakers.subList(0, 20) : run.breakers;
      out.append("<div class=\"legend\"><span class=\"key box kclosed\">CLOSED</span>")
          .append("<span class=\"key box kopen\">OPEN</span><span class=\"key box khalf\">")
          .append("HALF_OPEN</span><span class=\"key box kother\">other</span></div>")
          .append(Charts.breakerBands("Circuit breaker states over time", shown, run.bins));
      out.append("<p class=\"cap\">");
      for (Run.BreakerTimeline b : shown) {
        out.append(esc(b.breaker()))
            .append(" · ")
            .append(esc(b.instance()))
            .append(": ")
            .append(plural(b.transitions(), "transition", "transitions"))
            .append(". ");
      }
      out.append("</p>");
    }
    out.append("<div class=\"grid2\"><div><h3>Rate-limiter rejections</h3>");
    if (run.limiterRejectedPerBin.isEmpty()) {
      out.append("<p class=\"muted\">No rate limiter was seen.</p>");
    } else {
      List<Charts.Series> series = new ArrayList<>();
      StringBuilder legend = new StringBuilder("<div class=\"legend\">");
      int k = 0;
      long[] centers = centers(run.bins);
      for (Map.Entry<String, long[]> limiter : run.limiterRejectedPerBin.entrySet()) {
        if (k == SERIES_PER_PLOT) {
          break;
        }
        k++;
        double[] values = new double[centers.length];
        for (int i = 0; i < values.length; i++) {
          values[i] = limiter.getValue()[i];
        }
        long[] totals = run.limiterTotals.get(limiter.getKey());
        series.add(
            new Charts.Series(limiter.getKey(), "s" + k, centers, values, Charts.Style.BARS, true));
        legend
            .append("<span class=\"key box k")
            .append(k)
            .append("\">")
            .append(esc(limiter.getKey()))
            .append(" <span>")
            .append(totals[1])
            .append(" rejected of ")
            .append(totals[0] + totals[1])
            .append("</span></span>");
      }
      out.append(legend).append("</div>");
      out.append(
          Charts.timeChart(
              "Rate-limiter rejections per bin",
              run.bins,
              "rejected",
              false,
              Double.NaN,
              series,
              List.of()));
    }
    out.append("</div><div><h3>Active sessions</h3>");
    gaugeChart(run.sessions, "Active sessions (peak per bin)", "sessions", Double.NaN, List.of());
    out.append("</div></div></section>\n");
  }

  // ---- memory

  private void memory() {
    out.append(
        "<section id=\"memory\"><h2>Memory</h2><div class=\"grid2\"><div><h3>Heap in use</h3>");
    gaugeChart(
        run.heapUsedMiB,
        "Heap in use, MiB (peak per bin)"
            + (Double.isNaN(run.heapMaxMiB)
                ? ""
                : "; the JVM's maximum is " + Ticks.number(run.heapMaxMiB) + " MiB"),
        "MiB",
        Double.NaN,
        List.of());
    out.append("</div>");
    for (Map.Entry<String, List<Run.Series>> probe : run.probes.entrySet()) {
      out.append("<div><h3>Probe ").append(esc(probe.getKey())).append("</h3>");
      gaugeChart(
          probe.getValue(),
          "Memory probe " + probe.getKey() + " (peak per bin)",
          "",
          Double.NaN,
          List.of());
      out.append("</div>");
    }
    out.append("</div>");
    if (run.probes.isEmpty()) {
      out.append("<p class=\"muted\">No memory probe had a value.</p>");
    }
    out.append("</section>\n");
  }

  // ---- GPU

  private void gpu() {
    out.append("<section id=\"gpu\"><h2>GPU</h2>");
    List<Charts.Shade> shades = renderShades();
    out.append("<p class=\"muted small\">Shaded: the ")
        .append(run.renders)
        .append(" ")
        .append(RunReader.RENDER_TOOL)
        .append(" calls (from traces.jsonl), one sample per metrics line")
        .append(
            run.gpuSources.isEmpty() ? "" : ", read from " + esc(String.join(", ", run.gpuSources)))
        .append(".</p>");
    if (run.gpuUtilization.isEmpty() && run.vramUsedGiB.isEmpty()) {
      out.append("<p class=\"muted\">No GPU sample (gpu=off, or no nvidia-smi and no ComfyUI")
          .append(" /system_stats).</p>");
    } else {
      out.append("<div class=\"grid2\"><div><h3>Utilisation</h3>");
      gaugeChart(run.gpuUtilization, "GPU utilisation, percent", "%", 100, shades);
      out.append("</div><div><h3>VRAM in use</h3>");
      gaugeChart(
          run.vramUsedGiB,
          "VRAM in use, GiB"
              + (Double.isNaN(run.vramTotalGiB)
                  ? ""
                  : " of " + Ticks.number(run.vramTotalGiB) + " GiB"),
          "GiB",
          Double.isNaN(run.vramTotalGiB) ? Double.NaN : run.vramTotalGiB,
          shades);
      out.append("</div></div>");
    }
    out.append("</section>\n");
  }

  /** The render spans, merged where they touch at the plot's resolution (at most ~1,000). */
  private List<Charts.Shade> renderShades() {
    List<long[]> spans = new ArrayList<>(run.renderSpans);
    spans.sort(Comparator.comparingLong(s -> s[0]));
    long resolution = Math.max(1, (run.bins.endMillis() - run.bins.startMillis()) / 1000);
    List<Charts.Shade> shades = new ArrayList<>();
    long from = Long.MIN_VALUE;
    long to = Long.MIN_VALUE;
    for (long[] span : spans) {
      if (from != Long.MIN_VALUE && span[0] <= to + resolution) {
        to = Math.max(to, span[1]);
        continue;
      }
      if (from != Long.MIN_VALUE) {
        shades.add(new Charts.Shade(from, to));
      }
      from = span[0];
      to = span[1];
    }
    if (from != Long.MIN_VALUE) {
      shades.add(new Charts.Shade(from, to));
    }
    return shades;
  }

  private void gaugeChart(
      List<Run.Series> series, String title, String unit, double yMax, List<Charts.Shade> shades) {
    if (series.isEmpty()) {
      out.append("<p class=\"muted\">No values.</p>");
      return;
    }
    List<Run.Series> shown = new ArrayList<>(series);
    shown.sort(Comparator.comparingDouble((Run.Series s) -> -s.points().max()));
    StringBuilder legend = new StringBuilder("<div class=\"legend\">");
    List<Charts.Series> lines = new ArrayList<>();
    for (int i = 0; i < Math.min(SERIES_PER_PLOT, shown.size()); i++) {
      Run.Series s = shown.get(i);
      String css = "s" + (i + 1);
      lines.add(
          new Charts.Series(
              s.label(), css, s.points().times(), s.points().values(), Charts.Style.LINE, true));
      legend
          .append("<span class=\"key k")
          .append(i + 1)
          .append("\">")
          .append(esc(Charts.shorten(s.label(), 48)))
          .append("</span>");
    }
    if (!shades.isEmpty()) {
      legend
          .append("<span class=\"key box kshade\">")
          .append(RunReader.RENDER_TOOL)
          .append("</span>");
    }
    if (shown.size() > SERIES_PER_PLOT) {
      legend
          .append("<span>")
          .append(shown.size() - SERIES_PER_PLOT)
          .append(" more processes not drawn</span>");
    }
    out.append(legend).append("</div>");
    out.append(Charts.timeChart(title, run.bins, unit, false, yMax, lines, shades));
  }

  // ---- chains

  private void chains() {
    out.append("<section id=\"chains\"><h2>Slowest tool chains</h2><p class=\"muted small\">")
        .append("The ")
        .append(run.slowestChains.size())
        .append(" correlation ids with the most time in their outermost calls, of ")
        .append(run.chainsSeen)
        .append(" in the traces; each call in start order, its bar placed in the chain's span.")
        .append(" Input summaries are as the agent wrote them (secrets already redacted).</p>");
    if (run.slowestChains.isEmpty()) {
      out.append("<p class=\"muted\">No trace lines.</p>");
    }
    int rank = 0;
    for (Run.Chain chain : run.slowestChains) {
      rank++;
      long start = Long.MAX_VALUE;
      long end = Long.MIN_VALUE;
      for (Run.ChainCall c : chain.calls()) {
        start = Math.min(start, c.startMillis());
        end = Math.max(end, c.startMillis() + c.micros() / 1000);
      }
      out.append("<div class=\"chain\" data-correlation-id=\"")
          .append(esc(chain.correlationId()))
          .append("\"><h3>#")
          .append(rank)
          .append(" <span class=\"mono\">")
          .append(esc(chain.correlationId()))
          .append("</span> · <span data-field=\"total_ms\">")
          .append(Charts.millis(chain.totalMicros() / 1000.0))
          .append("</span> ms in ")
          .append(plural(chain.callCount(), "call", "calls"))
          .append(" · from ")
          .append(Timestamps.format(start))
          .append(" UTC</h3>");
      if (chain.callCount() > chain.calls().size()) {
        out.append("<p class=\"muted small\">The first ")
            .append(chain.calls().size())
            .append(" calls are shown.</p>");
      }
      out.append("<div class=\"scroll\"><table><thead><tr><th class=\"n\">seq</th>")
          .append(
              "<th class=\"n\">in</th><th>tool</th><th>outcome</th><th class=\"n\">start +ms</th>")
          .append("<th class=\"n\">ms</th><th>when</th><th>input</th></tr></thead><tbody>");
      for (Run.ChainCall c : chain.calls()) {
        long callEnd = c.startMillis() + c.micros() / 1000;
        out.append("<tr><td class=\"n\">")
            .append(c.seq())
            .append("</td><td class=\"n\">")
            .append(c.parent() == 0 ? "" : Integer.toString(c.parent()))
            .append("</td><td>")
            .append(esc(c.tool()))
            .append("</td><td class=\"")
            .append(c.success() ? "outcome-ok\">ok" : "outcome-err\">" + esc(orDash(c.errorType())))
            .append("</td><td class=\"n\">")
            .append(c.startMillis() - start)
            .append("</td><td class=\"n\">")
            .append(Charts.millis(c.micros() / 1000.0))
            .append("</td><td>")
            .append(Charts.waterfallBar(start, end, c.startMillis(), callEnd, c.success()))
            .append("</td><td class=\"summary-text\">")
            .append(esc(c.inputSummary() == null ? "" : c.inputSummary()))
            .append("</td></tr>");
      }
      out.append("</tbody></table></div></div>\n");
    }
    out.append("</section>\n");
  }

  // ---- footer

  private void footer(String agentVersion, long generatedMillis) {
    out.append("<footer><p>How to read this page: counts are exact (from the agent's counters);")
        .append(" a bin's percentiles come from every call in it, from the HdrHistogram interval")
        .append(" logs when present; plots keep each bin's highest value; tables are never")
        .append(" thinned. Times are UTC. Bins: ")
        .append(duration(run.bins.widthMillis()))
        .append(".</p><p>Files read (")
        .append(run.files.size())
        .append("): ");
    int listed = 0;
    for (String file : run.files) {
      if (listed++ == 30) {
        out.append("… and ").append(run.files.size() - 30).append(" more");
        break;
      }
      out.append("<span class=\"mono\">").append(esc(file)).append("</span> ");
    }
    out.append("</p><p>instrument-javaagent ")
        .append(esc(agentVersion))
        .append(", ")
        .append(Timestamps.format(generatedMillis))
        .append(" UTC. The page loads nothing: no script, font or image.</p></footer>");
  }

  // ---- helpers

  private static long[] centers(TimeBins bins) {
    long[] centers = new long[bins.count()];
    for (int i = 0; i < centers.length; i++) {
      centers[i] = bins.binStart(i) + bins.widthMillis() / 2;
    }
    return centers;
  }

  static String duration(long millis) {
    if (millis < 1000) {
      return millis + " ms";
    }
    long seconds = millis / 1000;
    if (seconds < 120) {
      return seconds + " s";
    }
    long minutes = seconds / 60;
    if (minutes < 120) {
      return minutes + " min";
    }
    long hours = minutes / 60;
    if (hours < 48) {
      return hours + " h" + (minutes % 60 == 0 ? "" : " " + minutes % 60 + " min");
    }
    return hours / 24 + " d" + (hours % 24 == 0 ? "" : " " + hours % 24 + " h");
  }

  private static String percent(long part, long whole) {
    return String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
  }

  private static String plural(long n, String one, String many) {
    return n + " " + (n == 1 ? one : many);
  }

  private static String orDash(String text) {
    return text == null || text.isBlank() ? "–" : text;
  }

  private static String esc(String text) {
    return Charts.escape(text);
  }

  private static String stylesheet() {
    try (InputStream in = ReportPage.class.getResourceAsStream("report.css")) {
      if (in == null) {
        throw new IllegalStateException("report.css is missing from the agent jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String styleHash() {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(STYLE.getBytes(StandardCharsets.UTF_8));
      return "sha256-" + Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
