package dev.comfyagent.instrument.report;

import static dev.comfyagent.instrument.report.PageText.esc;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The page's "GPU" section ({@code #gpu}): utilisation and VRAM in use over time, with the renders
 * ({@value RunReader#RENDER_TOOL} calls) shaded behind them.
 */
final class GpuSection extends PageSection {

  GpuSection(Run run, StringBuilder out) {
    super(run, out);
  }

  @Override
  void write() {
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
      GaugeChart.write(
          out, run.bins, run.gpuUtilization, "GPU utilisation, percent", "%", 100, shades);
      out.append("</div><div><h3>VRAM in use</h3>");
      GaugeChart.write(
          out,
          run.bins,
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
}
