package dev.comfyagent.instrument.record;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Chooses correlation ids the way the runtime does, so that ids in traces.jsonl match the runtime's
 * logs: the trace-id of a W3C {@code traceparent} in the request's {@code _meta}, else a {@code
 * correlation_id} sent there, else a new random id in the trace-id format (32 lower-case hex
 * digits). An id already in the host's SLF4J MDC wins over all of these; that choice is made by the
 * caller, which can see the host.
 *
 * <p>Client-sent ids are accepted only when short and made of safe characters. Stateless.
 */
public final class Correlation {

  /** The {@code _meta} key and MDC key of a correlation id. */
  public static final String KEY = "correlation_id";

  /** The {@code _meta} key of W3C trace context. */
  public static final String TRACEPARENT = "traceparent";

  private static final int MAX_ID_LENGTH = 128;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Correlation() {}

  /** The id a request with this {@code _meta} names, or {@code null} when it names none. */
  public static String fromMeta(Object meta) {
    if (!(meta instanceof Map<?, ?> map)) {
      return null;
    }
    String traceId = traceIdOf(map.get(TRACEPARENT));
    return traceId != null ? traceId : acceptedId(map.get(KEY));
  }

  /** The valid {@code traceparent} of a request's {@code _meta}, as sent, or {@code null}. */
  public static String traceparentOf(Object meta) {
    if (meta instanceof Map<?, ?> map
        && map.get(TRACEPARENT) instanceof String traceparent
        && traceIdOf(traceparent) != null) {
      return traceparent;
    }
    return null;
  }

  /**
   * The trace-id of a valid {@code traceparent} value ({@code version-traceid-parentid-flags}), or
   * {@code null}: version {@code ff} and the all-zero trace or parent id are invalid.
   */
  public static String traceIdOf(Object traceparent) {
    if (!(traceparent instanceof String value)) {
      return null;
    }
    String s = value.trim();
    if (s.length() < 55
        || s.charAt(2) != '-'
        || s.charAt(35) != '-'
        || s.charAt(52) != '-'
        || (s.length() > 55 && s.charAt(55) != '-')
        || !hex(s, 0, 2)
        || !hex(s, 3, 35)
        || !hex(s, 36, 52)
        || !hex(s, 53, 55)
        || s.startsWith("ff")
        || (s.startsWith("00") && s.length() != 55)
        || zeros(s, 3, 35)
        || zeros(s, 36, 52)) {
      return null;
    }
    return s.substring(3, 35);
  }

  /** {@code candidate} when it is a safe id ({@code [A-Za-z0-9._:-]}, 1 to 128), else null. */
  public static String acceptedId(Object candidate) {
    if (!(candidate instanceof String id) || id.isEmpty() || id.length() > MAX_ID_LENGTH) {
      return null;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean safe =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == ':'
              || c == '-';
      if (!safe) {
        return null;
      }
    }
    return id;
  }

  /** A new random id: 32 lower-case hex digits, like a W3C trace-id. */
  public static String generate() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    char[] id = new char[32];
    long high = random.nextLong();
    long low = random.nextLong();
    for (int i = 0; i < 16; i++) {
      id[i] = HEX[(int) (high >>> (60 - 4 * i)) & 0xf];
      id[16 + i] = HEX[(int) (low >>> (60 - 4 * i)) & 0xf];
    }
    return new String(id);
  }

  private static boolean hex(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static boolean zeros(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) != '0') {
        return false;
      }
    }
    return true;
  }
}
