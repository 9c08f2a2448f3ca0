package dev.comfyagent.instrument.report;

import static dev.comfyagent.instrument.report.PageText.duration;
import static dev.comfyagent.instrument.report.PageText.esc;
import static dev.comfyagent.instrument.report.PageText.percent;
import static dev.comfyagent.instrument.report.PageText.plural;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;

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
 * <p>This class writes the page's head, its header (time range, totals) and its footer; each
 * section between them is a {@link PageSection} of its own ({@link HealthSection}, {@link
 * ProcessesSection}, {@link ToolsSection}, {@link ResilienceSection}, {@link MemorySection}, {@link
 * GpuSection}, {@link ChainsSection}); the stylesheet is the resource {@code report.css} beside
 * this class.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * String html = ReportPage.render(run, "0.1.0", System.currentTimeMillis());
 * }</pre>
 */
final class ReportPage {

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
    for (PageSection section :
        List.of(
            new HealthSection(run, page.out),
            new ProcessesSection(run, page.out),
            new ToolsSection(run, page.out),
            new ResilienceSection(run, page.out),
            new MemorySection(run, page.out),
            new GpuSection(run, page.out),
            new ChainsSection(run, page.out))) {
      section.write();
    }
    page.footer(agentVersion, generatedMillis);
    page.out.append("</main></body></html>\n");
    return page.out.toString();
  }

  /** The {@code Content-Security-Policy} of the page. */
  static String contentSecurityPolicy() {
    return "default-src 'none'; style-src '" + styleHash() + "'";
  }

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
