package dev.comfyagent.instrument.export.figures;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The exporters' own counters: scrapes served, spans sent and dropped, requests that failed. Shown
 * in every export (so that a collector sees its own losses), in metrics.jsonl's {@code export}
 * section, and read by tests.
 *
 * <p>Thread-safe.
 */
public final class ExportHealth {

  private final LongAdder scrapes = new LongAdder();
  private final LongAdder spansExported = new LongAdder();
  private final LongAdder spansDropped = new LongAdder();
  private final LongAdder metricExports = new LongAdder();
  private final LongAdder traceRequestsFailed = new LongAdder();
  private final LongAdder metricRequestsFailed = new LongAdder();
  private final LongAdder retries = new LongAdder();
  private volatile String lastError;

  /** A scrape of {@code /metrics} was answered. */
  public void scraped() {
    scrapes.increment();
  }

  /** {@code count} spans were accepted by the collector. */
  public void spansExported(long count) {
    spansExported.add(count);
  }

  /** {@code count} spans were lost: queue full, refused, or never accepted in time. */
  public void spansDropped(long count) {
    spansDropped.add(count);
  }

  /** One OTLP metrics request was accepted. */
  public void metricsExported() {
    metricExports.increment();
  }

  /**
   * One OTLP request failed for good (after its retries); {@code why} is kept as the last error.
   */
  public void requestFailed(boolean traces, String why) {
    (traces ? traceRequestsFailed : metricRequestsFailed).increment();
    lastError = why;
  }

  /** One OTLP request is sent again (429, 503, a connection refused). */
  public void retried() {
    retries.increment();
  }

  /** Scrapes answered since start. */
  public long scrapes() {
    return scrapes.sum();
  }

  /** Spans accepted since start. */
  public long spansExported() {
    return spansExported.sum();
  }

  /** Spans lost since start. */
  public long spansDropped() {
    return spansDropped.sum();
  }

  /** OTLP metrics requests accepted since start. */
  public long metricExports() {
    return metricExports.sum();
  }

  /** OTLP trace requests that failed for good. */
  public long traceRequestsFailed() {
    return traceRequestsFailed.sum();
  }

  /** OTLP metrics requests that failed for good. */
  public long metricRequestsFailed() {
    return metricRequestsFailed.sum();
  }

  /** OTLP requests sent again. */
  public long retries() {
    return retries.sum();
  }

  /** The last failure's description, or {@code null}. */
  public String lastError() {
    return lastError;
  }

  /** The counters as metrics.jsonl's {@code export} section shows them. */
  public Map<String, Object> section(String metricsHttp, String otlpEndpoint) {
    Map<String, Object> section = new LinkedHashMap<>();
    if (metricsHttp != null) {
      Map<String, Object> http = new LinkedHashMap<>();
      http.put("address", metricsHttp);
      http.put("scrapes", scrapes());
      section.put("metrics_http", http);
    }
    if (otlpEndpoint != null) {
      Map<String, Object> otlp = new LinkedHashMap<>();
      otlp.put("endpoint", otlpEndpoint);
      otlp.put("spans_exported", spansExported());
      otlp.put("spans_dropped", spansDropped());
      otlp.put("metric_exports", metricExports());
      otlp.put("trace_requests_failed", traceRequestsFailed());
      otlp.put("metric_requests_failed", metricRequestsFailed());
      otlp.put("retries", retries());
      otlp.put("last_error", lastError());
      section.put("otlp", otlp);
    }
    return section;
  }
}
