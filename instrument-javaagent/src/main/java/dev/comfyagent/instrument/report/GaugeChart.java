package dev.comfyagent.instrument.report;

import static dev.comfyagent.instrument.report.PageText.esc;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A plot of one gauge per process over time (sessions, heap, probes, GPU): the processes with the
 * highest peaks drawn (at most {@link ReportPage#SERIES_PER_PLOT}), a legend naming them, and the
 * render spans shaded behind when given.
 */
final class GaugeChart {

  private GaugeChart() {}

  /**
   * Writes the legend and the plot of {@code series} into {@code out}, or a note when there is no
   * value.
   */
  static void write(
      StringBuilder out,
      TimeBins bins,
      List<Run.Series> series,
      String title,
      String unit,
      double yMax,
      List<Charts.Shade> shades) {
    if (series.isEmpty()) {
      out.append("<p class=\"muted\">No values.</p>");
      return;
    }
    List<Run.Series> shown = new ArrayList<>(series);
    shown.sort(Comparator.comparingDouble((Run.Series s) -> -s.points().max()));
    StringBuilder legend = new StringBuilder("<div class=\"legend\">");
    List<Charts.Series> lines = new ArrayList<>();
    for (int i = 0; i < Math.min(ReportPage.SERIES_PER_PLOT, shown.size()); i++) {
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
    if (shown.size() > ReportPage.SERIES_PER_PLOT) {
      legend
          .append("<span>")
          .append(shown.size() - ReportPage.SERIES_PER_PLOT)
          .append(" more processes not drawn</span>");
    }
    out.append(legend).append("</div>");
    out.append(Charts.timeChart(title, bins, unit, false, yMax, lines, shades));
  }
}
