package dev.comfyagent.instrument.export.otlp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * Posts one OTLP/HTTP JSON request with {@link HttpURLConnection} (in {@code java.base}: nothing to
 * load beyond it, and no TLS set-up unless the endpoint is {@code https}).
 *
 * <p>Thread-safe (stateless apart from its settings).
 */
class OtlpSender {

  private static final int MAX_BODY_READ = 64 * 1024;

  private final Map<String, String> headers;

  OtlpSender(Map<String, String> headers) {
    this.headers = headers;
  }

  /**
   * The outcome of one request.
   *
   * @param status the HTTP status, or -1 when no answer came (connection refused, timeout)
   * @param retryAfterMillis the {@code Retry-After} the server asked for, or -1
   * @param body the start of the answer's body (for partial success and error messages)
   * @param failure what went wrong before an answer, or {@code null}
   */
  record Response(int status, long retryAfterMillis, String body, IOException failure) {

    /** Whether the collector accepted the request. */
    boolean accepted() {
      return status >= 200 && status < 300;
    }

    /**
     * Whether OTLP/HTTP says to try again: no answer, or 429, 502, 503, 504; other answers are
     * final.
     */
    boolean retryable() {
      return status == -1 || status == 429 || status == 502 || status == 503 || status == 504;
    }

    /** A short description for diagnostics. */
    String describe() {
      if (failure != null) {
        return failure.toString();
      }
      String start = body == null ? "" : body.strip();
      if (start.length() > 200) {
        start = start.substring(0, 200) + "…";
      }
      return "HTTP " + status + (start.isEmpty() ? "" : ": " + start);
    }
  }

  /**
   * Posts {@code body} to {@code url}, waiting at most {@code timeoutMillis} to connect and read.
   */
  Response post(URI url, byte[] body, long timeoutMillis) {
    HttpURLConnection connection = null;
    try {
      connection = (HttpURLConnection) url.toURL().openConnection();
      int timeout = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeoutMillis));
      connection.setConnectTimeout(timeout);
      connection.setReadTimeout(timeout);
      connection.setRequestMethod("POST");
      connection.setDoOutput(true);
      connection.setUseCaches(false);
      connection.setInstanceFollowRedirects(false);
      connection.setRequestProperty("Content-Type", "application/json");
      for (Map.Entry<String, String> header : headers.entrySet()) {
        connection.setRequestProperty(header.getKey(), header.getValue());
      }
      connection.setFixedLengthStreamingMode(body.length);
      try (OutputStream out = connection.getOutputStream()) {
        out.write(body);
      }
      int status = connection.getResponseCode();
      String answer =
          readBody(status < 400 ? connection.getInputStream() : connection.getErrorStream());
      return new Response(
          status, retryAfterMillis(connection.getHeaderField("Retry-After")), answer, null);
    } catch (IOException e) {
      if (connection != null) {
        connection.disconnect();
      }
      return new Response(-1, -1, null, e);
    }
  }

  /** Reads and closes the answer (so that the connection can be kept alive), up to 64 KiB kept. */
  private static String readBody(InputStream in) throws IOException {
    if (in == null) {
      return "";
    }
    try (in) {
      byte[] kept = in.readNBytes(MAX_BODY_READ);
      in.transferTo(OutputStream.nullOutputStream());
      return new String(kept, StandardCharsets.UTF_8);
    }
  }

  /**
   * A {@code Retry-After} value in milliseconds: delay-seconds or an HTTP date; -1 when absent or
   * unreadable.
   */
  static long retryAfterMillis(String value) {
    if (value == null || value.isBlank()) {
      return -1;
    }
    String v = value.trim();
    try {
      long seconds = Long.parseLong(v);
      return seconds < 0 ? -1 : Math.min(seconds, Long.MAX_VALUE / 1000) * 1000;
    } catch (NumberFormatException e) {
      try {
        long at =
            ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
        return Math.max(0, at - System.currentTimeMillis());
      } catch (DateTimeParseException notADate) {
        return -1;
      }
    }
  }
}
