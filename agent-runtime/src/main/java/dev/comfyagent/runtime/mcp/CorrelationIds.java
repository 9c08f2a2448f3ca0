package dev.comfyagent.runtime.mcp;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Chooses the correlation id of a {@code tools/call}: the trace-id of a W3C {@code traceparent} in
 * the request's {@code _meta}, else a {@code correlation_id} sent there, else a new random id in
 * the trace-id format (32 lower-case hex digits), so that ids from either source look alike in
 * logs.
 *
 * <p>Ids sent by clients are accepted only when they are short and made of safe characters; they
 * end up in log files and must not be able to forge log lines.
 */
public final class CorrelationIds {

  /** The key under which the id is in the SLF4J MDC and in a result's {@code _meta}. */
  public static final String KEY = "correlation_id";

  private static final Pattern TRACEPARENT =
      Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
  private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");
  private static final String INVALID_TRACE_ID = "00000000000000000000000000000000";

  private CorrelationIds() {}

  /** The id for a request with this {@code _meta} (which may be {@code null}). */
  public static String choose(Map<String, Object> meta) {
    if (meta != null) {
      String fromTrace = traceIdOf(meta.get("traceparent"));
      if (fromTrace != null) {
        return fromTrace;
      }
      Object given = meta.get(KEY);
      if (given instanceof String s && SAFE_ID.matcher(s).matches()) {
        return s;
      }
    }
    return generate();
  }

  /** The trace-id of a valid {@code traceparent} header value, or {@code null}. */
  static String traceIdOf(Object traceparent) {
    if (!(traceparent instanceof String s)) {
      return null;
    }
    var m = TRACEPARENT.matcher(s.trim());
    if (!m.matches() || "ff".equals(m.group(1)) || INVALID_TRACE_ID.equals(m.group(2))) {
      return null;
    }
    return m.group(2);
  }

  /** A new random id: 32 hex digits, like a W3C trace-id. */
  public static String generate() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return String.format("%016x%016x", random.nextLong(), random.nextLong());
  }
}
