package dev.comfyagent.instrument.report;

import static dev.comfyagent.instrument.report.PageText.esc;
import static dev.comfyagent.instrument.report.PageText.plural;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The page's "Circuit breakers, rate limiters, sessions" section ({@code #resilience}): each
 * breaker's states as a band over time, the rate limiters' rejections per bin, and the active
 * sessions.
 */
final class ResilienceSection extends PageSection {

  ResilienceSection(Run run, StringBuilder out) {
    super(run, out);
  }

  @Override
  void write() {
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
      long[] centers = run.bins.centers();
      for (Map.Entry<String, long[]> limiter : run.limiterRejectedPerBin.entrySet()) {
        if (k == ReportPage.SERIES_PER_PLOT) {
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
    GaugeChart.write(
        out,
        run.bins,
        run.sessions,
        "Active sessions (peak per bin)",
        "sessions",
        Double.NaN,
        List.of());
    out.append("</div></div></section>\n");
  }
}
