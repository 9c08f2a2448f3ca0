package dev.comfyagent.instrument.report;

import static dev.comfyagent.instrument.report.PageText.esc;

import java.util.List;
import java.util.Map;

/**
 * The page's "Memory" section ({@code #memory}): heap in use per process, and each memory probe's
 * value over time.
 */
final class MemorySection extends PageSection {

  MemorySection(Run run, StringBuilder out) {
    super(run, out);
  }

  @Override
  void write() {
    out.append(
        "<section id=\"memory\"><h2>Memory</h2><div class=\"grid2\"><div><h3>Heap in use</h3>");
    GaugeChart.write(
        out,
        run.bins,
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
      GaugeChart.write(
          out,
          run.bins,
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
}
