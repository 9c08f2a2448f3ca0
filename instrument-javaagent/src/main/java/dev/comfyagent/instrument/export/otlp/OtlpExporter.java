package dev.comfyagent.instrument.export.otlp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.comfyagent.instrument.export.figures.ExportHealth;
import dev.comfyagent.instrument.export.figures.FiguresReader;
import dev.comfyagent.instrument.record.AgentHealth;
import dev.comfyagent.instrument.record.TraceEvent;
import dev.comfyagent.instrument.record.TraceSink;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * Sends tool calls as spans and the agent's figures as metrics to an OpenTelemetry collector over
 * OTLP/HTTP JSON, on one daemon thread ({@code comfyagent-otlp}).
 *
 * <p><b>Never in the host's way.</b> Spans reach it from the trace writer's thread ({@link #offer},
 * which never blocks: a full queue of {@code otlp.queue.size} drops the span and counts it); tool
 * threads do nothing more than with the files alone. Requests go out in batches of up to {@value
 * OtlpSettings#MAX_BATCH} spans, at the latest {@value OtlpSettings#SPAN_DELAY_MILLIS} ms after the
 * oldest was queued; metrics every {@code otlp.interval}.
 *
 * <p><b>Failures.</b> A request that gets no answer or 429, 502, 503 or 504 is sent again, up to
 * {@value #MAX_ATTEMPTS} times, after the server's {@code Retry-After} or an exponential backoff (1
 * s doubling to 30 s, jittered); any other answer is final. Spans that are not accepted are counted
 * as dropped; metrics are cumulative, so the next export carries what a failed one held. The first
 * failure is described on stderr, later ones only counted ({@link ExportHealth}).
 *
 * <p><b>At exit.</b> {@link #stop} sends what is queued and the last metrics within {@code
 * budgetMillis}, without retries past it; a refused connection is not retried at all (nothing
 * listens, and the host's exit should not wait for that); the thread is a daemon, so a collector
 * that never answers cannot hold the JVM.
 *
 * <p>Thread-safe.
 */
public final class OtlpExporter implements TraceSink {

  static final int MAX_ATTEMPTS = 5;
  static final long FIRST_BACKOFF_MILLIS = 1000;
  static final long MAX_BACKOFF_MILLIS = 30_000;
  static final long MAX_RETRY_AFTER_MILLIS = 60_000;

  private static final JsonFactory JSON = JsonFactory.builder().build();

  private final OtlpSettings settings;
  private final FiguresReader figures;
  private final ExportHealth exportHealth;
  private final OtlpSender sender;
  private final OtlpJson encoder;
  private final Predicate<String> tracked;
  private final ArrayBlockingQueue<TraceEvent> queue;
  private final Object pause = new Object();
  private final AtomicBoolean failureReported = new AtomicBoolean();
  private volatile boolean stopping;
  private volatile long stopDeadlineNanos = Long.MAX_VALUE;
  private Thread thread;

  /**
   * @param settings where and how to send
   * @param figures reads the metrics to send
   * @param exportHealth counts what is sent, dropped and failed
   */
  public OtlpExporter(OtlpSettings settings, FiguresReader figures, ExportHealth exportHealth) {
    this(settings, figures, exportHealth, new OtlpSender(settings.headers()));
  }

  OtlpExporter(
      OtlpSettings settings, FiguresReader figures, ExportHealth exportHealth, OtlpSender sender) {
    this.settings = settings;
    this.figures = figures;
    this.exportHealth = exportHealth;
    this.sender = sender;
    this.encoder = new OtlpJson(figures.sources().identity());
    this.tracked = name -> figures.sources().tools().find(name).isPresent();
    this.queue = new ArrayBlockingQueue<>(settings.queueSize());
  }

  /** Queues a finished call's span without waiting; a full queue drops it (counted). */
  @Override
  public boolean offer(TraceEvent event) {
    if (stopping || !queue.offer(event)) {
      exportHealth.spansDropped(1);
      return false;
    }
    return true;
  }

  /** Starts the exporting thread. */
  public synchronized void start() {
    thread = new Thread(this::run, "comfyagent-otlp");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Sends the queued spans and the last metrics, then stops; returns within about {@code
   * budgetMillis}.
   */
  public void stop(long budgetMillis) {
    Thread running;
    synchronized (this) {
      running = thread;
    }
    stopDeadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(budgetMillis);
    synchronized (pause) {
      stopping = true;
      pause.notifyAll(); // ends a retry's wait that would outlast the budget
    }
    if (running == null) {
      return;
    }
    running.interrupt();
    try {
      running.join(budgetMillis + 200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    List<TraceEvent> batch = new ArrayList<>(OtlpSettings.MAX_BATCH);
    long nextMetrics = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.intervalMillis());
    long oldest = -1;
    long spanDelay = TimeUnit.MILLISECONDS.toNanos(OtlpSettings.SPAN_DELAY_MILLIS);
    while (!stopping) {
      long now = System.nanoTime();
      long until = Math.min(nextMetrics, oldest < 0 ? now + spanDelay : oldest + spanDelay);
      try {
        TraceEvent first = queue.poll(Math.max(0, until - now), TimeUnit.NANOSECONDS);
        if (first != null) {
          if (oldest < 0) {
            oldest = System.nanoTime();
          }
          batch.add(first);
          queue.drainTo(batch, OtlpSettings.MAX_BATCH - batch.size());
        }
      } catch (InterruptedException e) {
        break; // stop(): the final flush below
      }
      now = System.nanoTime();
      if (batch.size() >= OtlpSettings.MAX_BATCH || (oldest >= 0 && now - oldest >= spanDelay)) {
        sendSpans(batch);
        batch.clear();
        oldest = -1;
      }
      if (now - nextMetrics >= 0) {
        sendMetrics();
        nextMetrics = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.intervalMillis());
      }
    }
    Thread.interrupted(); // the flush must not trip over stop()'s interrupt
    queue.drainTo(batch);
    for (int from = 0; from < batch.size(); from += OtlpSettings.MAX_BATCH) {
      sendSpans(batch.subList(from, Math.min(batch.size(), from + OtlpSettings.MAX_BATCH)));
    }
    sendMetrics();
  }

  private void sendSpans(List<TraceEvent> spans) {
    if (spans.isEmpty()) {
      return;
    }
    byte[] body;
    try {
      body = encoder.spans(spans, tracked);
    } catch (IOException | RuntimeException e) {
      exportHealth.spansDropped(spans.size());
      exportHealth.requestFailed(true, "encoding spans: " + e);
      return;
    }
    OtlpSender.Response answer = send(settings.traces(), body, true);
    if (answer != null && answer.accepted()) {
      long rejected = rejected(answer.body(), "rejectedSpans");
      exportHealth.spansExported(spans.size() - rejected);
      exportHealth.spansDropped(rejected);
    } else {
      exportHealth.spansDropped(spans.size());
    }
  }

  private void sendMetrics() {
    byte[] body;
    try {
      body = encoder.metrics(figures.read());
    } catch (IOException | RuntimeException e) {
      exportHealth.requestFailed(false, "encoding metrics: " + e);
      return;
    }
    OtlpSender.Response answer = send(settings.metrics(), body, false);
    if (answer != null && answer.accepted()) {
      exportHealth.metricsExported();
    }
  }

  /**
   * Sends {@code body}, again while the answer says to and attempts and time remain; returns the
   * last answer, or {@code null} when the stop deadline passed before any.
   */
  private OtlpSender.Response send(URI url, byte[] body, boolean traces) {
    long backoff = FIRST_BACKOFF_MILLIS;
    OtlpSender.Response answer = null;
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      long timeout = settings.timeoutMillis();
      if (stopping) {
        long left = TimeUnit.NANOSECONDS.toMillis(stopDeadlineNanos - System.nanoTime());
        if (left <= 0) {
          failed(traces, url, "the exit's time limit passed before it could be sent");
          return answer;
        }
        timeout = Math.min(timeout, left);
      }
      answer = sender.post(url, body, timeout);
      if (answer.accepted()) {
        return answer;
      }
      if (!answer.retryable() || attempt == MAX_ATTEMPTS) {
        failed(traces, url, answer.describe());
        return answer;
      }
      if (stopping && answer.failure() instanceof ConnectException) {
        // Nothing listens there: waiting out the exit budget for a collector that is down would
        // only hold the host's exit (an MCP client kills a server that is slow to go).
        failed(traces, url, answer.describe() + "; not retried at exit: nothing listens there");
        return answer;
      }
      long wait =
          answer.retryAfterMillis() >= 0
              ? Math.min(answer.retryAfterMillis(), MAX_RETRY_AFTER_MILLIS)
              : jittered(backoff);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
      if (stopping
          && System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(wait) - stopDeadlineNanos > 0) {
        failed(traces, url, answer.describe() + "; no time left to retry before exit");
        return answer;
      }
      exportHealth.retried();
      pause(wait);
    }
    return answer;
  }

  private void pause(long millis) {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    synchronized (pause) {
      long left;
      while ((left = end - System.nanoTime()) > 0) {
        if (stopping && end - stopDeadlineNanos > 0) {
          return;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(pause, left);
        } catch (InterruptedException e) {
          // stop() wakes the wait; the loop checks the deadline
        }
      }
    }
  }

  private void failed(boolean traces, URI url, String why) {
    exportHealth.requestFailed(traces, why);
    if (failureReported.compareAndSet(false, true)) {
      AgentHealth.diagnostic(
          "OTLP export to "
              + url
              + " failed ("
              + why
              + "); spans that cannot be sent are dropped and counted"
              + " (comfyagent_agent_otlp_spans_dropped), the application is unaffected; further"
              + " failures are only counted");
    }
  }

  private static long jittered(long millis) {
    return millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1);
  }

  /** The count under {@code field} of an OTLP partial-success answer, 0 when there is none. */
  static long rejected(String body, String field) {
    if (body == null || body.indexOf(field) < 0) {
      return 0;
    }
    try (JsonParser parser = JSON.createParser(body)) {
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        if (token == JsonToken.FIELD_NAME && field.equals(parser.currentName())) {
          parser.nextToken();
          String value = parser.getValueAsString();
          return value == null ? 0 : Math.max(0, Long.parseLong(value.trim()));
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }

  /** Spans waiting now (for tests). */
  int queued() {
    return queue.size();
  }
}
