package dev.comfyagent.instrument.export.prometheus;

import java.util.Locale;

/**
 * The two text formats {@code /metrics} speaks, and the choice between them from a request's {@code
 * Accept} header: OpenMetrics 1.0 when the client ranks it at least as high as the Prometheus text
 * format (as Prometheus itself does), else Prometheus text 0.0.4, which every scraper reads.
 */
public enum ExpositionFormat {
  /**
   * OpenMetrics 1.0 text: {@code _total} samples of counter families, state sets, {@code # EOF}.
   */
  OPENMETRICS("application/openmetrics-text; version=1.0.0; charset=utf-8"),
  /** The Prometheus text format 0.0.4. */
  PROMETHEUS_TEXT("text/plain; version=0.0.4; charset=utf-8");

  private final String contentType;

  ExpositionFormat(String contentType) {
    this.contentType = contentType;
  }

  /** The response's {@code Content-Type}. */
  public String contentType() {
    return contentType;
  }

  /**
   * The format for a request with this {@code Accept} header ({@code null} when it has none): the
   * media ranges' {@code q} values decide, ties go to OpenMetrics, and a header naming neither
   * format gets the Prometheus text.
   */
  public static ExpositionFormat forAccept(String accept) {
    if (accept == null || accept.isBlank()) {
      return PROMETHEUS_TEXT;
    }
    double openMetrics = -1;
    double text = -1;
    for (String range : accept.split(",")) {
      String[] parts = range.split(";");
      String type = parts[0].trim().toLowerCase(Locale.ROOT);
      double q = 1;
      for (int i = 1; i < parts.length; i++) {
        String parameter = parts[i].trim().toLowerCase(Locale.ROOT);
        if (parameter.startsWith("q=")) {
          try {
            q = Double.parseDouble(parameter.substring(2).trim());
          } catch (NumberFormatException e) {
            q = 0;
          }
        }
      }
      if (type.equals("application/openmetrics-text")) {
        openMetrics = Math.max(openMetrics, q);
      } else if (type.equals("text/plain")) {
        text = Math.max(text, q);
      }
    }
    return openMetrics > 0 && openMetrics >= text ? OPENMETRICS : PROMETHEUS_TEXT;
  }
}
