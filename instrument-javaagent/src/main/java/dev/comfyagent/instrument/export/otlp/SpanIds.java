package dev.comfyagent.instrument.export.otlp;

import dev.comfyagent.instrument.record.Correlation;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The W3C ids of a tool call's span, derived from what its trace line holds, so that no id has to
 * be kept per call:
 *
 * <ul>
 *   <li>trace id: the correlation id when it is a trace id (32 lower-case hex digits: the one of a
 *       {@code traceparent}, or one the agent generated), else the first 16 bytes of the SHA-256 of
 *       the correlation id (a client's {@code _meta.correlation_id}, the runtime's own), so that
 *       calls sharing an id share a trace in every process;
 *   <li>span id: the first 8 bytes of the SHA-256 of the process's instance id, the correlation id
 *       and the call's {@code seq}: unique per call across a fleet, and the parent's computable
 *       from {@code parent} alone.
 * </ul>
 *
 * <p>Not thread-safe: one per exporting thread.
 */
final class SpanIds {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final String instanceId;
  private final MessageDigest sha256;

  SpanIds(String instanceId) {
    this.instanceId = instanceId;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** The trace id of calls with this correlation id. */
  String traceId(String correlationId) {
    if (isTraceId(correlationId)) {
      return correlationId;
    }
    return hex(digest("trace/" + correlationId), 16);
  }

  /** The span id of call {@code seq} of this correlation id in this process. */
  String spanId(String correlationId, int seq) {
    return hex(digest(instanceId + "/" + correlationId + "/" + seq), 8);
  }

  /**
   * The client's span that a {@code traceparent} names, when the call's trace is that
   * traceparent's; else {@code null}.
   */
  static String remoteParent(String traceparent, String traceId) {
    String tracedId = Correlation.traceIdOf(traceparent);
    return tracedId != null && tracedId.equals(traceId)
        ? traceparent.trim().substring(36, 52)
        : null;
  }

  static boolean isTraceId(String id) {
    if (id == null || id.length() != 32) {
      return false;
    }
    boolean zero = true;
    for (int i = 0; i < 32; i++) {
      char c = id.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
      zero &= c == '0';
    }
    return !zero;
  }

  private byte[] digest(String text) {
    sha256.reset();
    byte[] digest = sha256.digest(text.getBytes(StandardCharsets.UTF_8));
    boolean zero = true;
    for (int i = 0; i < 8; i++) {
      zero &= digest[i] == 0;
    }
    if (zero) {
      digest[0] = 1; // an all-zero id is invalid in W3C trace context
    }
    return digest;
  }

  private static String hex(byte[] bytes, int length) {
    char[] out = new char[length * 2];
    for (int i = 0; i < length; i++) {
      out[2 * i] = HEX[(bytes[i] >> 4) & 0xf];
      out[2 * i + 1] = HEX[bytes[i] & 0xf];
    }
    return new String(out);
  }
}
