package dev.comfyagent.instrument.report;

import static dev.comfyagent.instrument.report.PageText.esc;
import static dev.comfyagent.instrument.report.PageText.orDash;
import static dev.comfyagent.instrument.report.PageText.plural;

/**
 * The page's "Slowest tool chains" section ({@code #chains}): the correlation ids with the most
 * time in their outermost calls, each a table of its calls in start order with a waterfall bar.
 */
final class ChainsSection extends PageSection {

  ChainsSection(Run run, StringBuilder out) {
    super(run, out);
  }

  @Override
  void write() {
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
}
