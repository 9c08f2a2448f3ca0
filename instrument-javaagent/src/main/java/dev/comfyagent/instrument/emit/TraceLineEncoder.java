package dev.comfyagent.instrument.emit;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes trace lines as UTF-8 JSON bytes straight from a {@link TraceSlot} into one growing batch:
 * no generator, no string per field, no timestamp object. The fields, their order and their values
 * are those of {@link TraceWriter}'s documented line; strings are escaped as JSON requires ({@code
 * "}, {@code \}, control characters; a lone surrogate as {@code \}{@code uXXXX}).
 *
 * <p>Usage:
 *
 * <pre>{@code
 * TraceLineEncoder lines = new TraceLineEncoder(identity);
 * lines.line(slot);                                  // one line, '\n' included
 * file.append(lines.bytes(), 0, lines.length());
 * lines.clear();
 * }</pre>
 *
 * <p>Not thread-safe: one per writing thread.
 */
final class TraceLineEncoder {

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final long MILLIS_PER_DAY = 86_400_000L;

  // The fixed parts of a line as bytes, copied whole rather than a character at a time.
  private static final byte[] OPEN_TS = ascii("{\"ts\":\"");
  private static final byte[] QUOTE = ascii("\"");
  private static final byte[] CORRELATION_ID = key("correlation_id");
  private static final byte[] TOOL_NAME = key("tool_name");
  private static final byte[] DURATION_MS = key("duration_ms");
  private static final byte[] SUCCESS_TRUE = ascii(",\"success\":true");
  private static final byte[] SUCCESS_FALSE = ascii(",\"success\":false");
  private static final byte[] INPUT_SUMMARY = key("input_summary");
  private static final byte[] SEQ = key("seq");
  private static final byte[] PARENT = key("parent");
  private static final byte[] ERROR_TYPE = key("error.type");
  private static final byte[] MCP_METHOD = ascii(",\"mcp.method.name\":\"tools/call\"");
  private static final byte[] GEN_AI_TOOL_NAME = key("gen_ai.tool.name");
  private static final byte[] GEN_AI_OPERATION =
      ascii(",\"gen_ai.operation.name\":\"execute_tool\"");
  private static final byte[] MCP_SESSION_ID = key("mcp.session.id");
  private static final byte[] JSONRPC_REQUEST_ID = key("jsonrpc.request.id");
  private static final byte[] NULL = ascii("null");
  private static final byte[] CLOSE = ascii("}\n");

  private final byte[] identitySuffix;
  private byte[] bytes = new byte[16 * 1024];
  private int length;
  private int lines;

  /** The day whose date {@link #dayText} holds, as days since the epoch. */
  private long day = Long.MIN_VALUE;

  private final byte[] dayText = new byte[11];

  /**
   * @param identity the process, on every line ({@code null}: no identity fields)
   */
  TraceLineEncoder(ProcessIdentity identity) {
    this.identitySuffix = identity == null ? new byte[0] : identitySuffix(identity);
  }

  private static byte[] identitySuffix(ProcessIdentity identity) {
    TraceLineEncoder scratch = new TraceLineEncoder(null);
    scratch.field(key(ProcessIdentity.SERVICE_NAME), identity.serviceName());
    scratch.field(key(ProcessIdentity.INSTANCE_ID), identity.instanceId());
    scratch.field(key(ProcessIdentity.AGENT_VERSION), identity.agentVersion());
    return Arrays.copyOf(scratch.bytes, scratch.length);
  }

  /** Appends the slot's call as one line. */
  void line(TraceSlot e) {
    int mark = length;
    try {
      bytes(OPEN_TS);
      timestamp(e.epochMillis);
      bytes(QUOTE);
      field(CORRELATION_ID, e.correlationId);
      field(TOOL_NAME, e.toolName);
      bytes(DURATION_MS);
      millis(e.durationNanos / 1000);
      bytes(e.success ? SUCCESS_TRUE : SUCCESS_FALSE);
      bytes(INPUT_SUMMARY);
      if (e.hasSummary) {
        string(e.summary, e.summaryLength);
      } else {
        bytes(NULL);
      }
      bytes(SEQ);
      number(e.seq);
      bytes(PARENT);
      if (e.parentSeq > 0) {
        number(e.parentSeq);
      } else {
        bytes(NULL);
      }
      field(ERROR_TYPE, e.errorType);
      if (e.viaMcp) {
        bytes(MCP_METHOD);
      }
      field(GEN_AI_TOOL_NAME, e.toolName);
      bytes(GEN_AI_OPERATION);
      if (e.sessionId != null) {
        field(MCP_SESSION_ID, e.sessionId);
      }
      if (e.jsonRpcId != null) {
        bytes(JSONRPC_REQUEST_ID);
        value(e.jsonRpcId);
      }
      bytes(identitySuffix);
      bytes(CLOSE);
      lines++;
    } catch (RuntimeException failed) {
      length = mark;
      throw failed;
    }
  }

  byte[] bytes() {
    return bytes;
  }

  int length() {
    return length;
  }

  /** Lines appended since the last {@link #clear}. */
  int lines() {
    return lines;
  }

  void clear() {
    length = 0;
    lines = 0;
  }

  /** {@code ,"name":"value"}, or {@code ,"name":null}. */
  /** {@code key}: a {@link #key} of a field name; {@code value} written as a string, or null. */
  private void field(byte[] key, String value) {
    bytes(key);
    if (value == null) {
      bytes(NULL);
    } else {
      string(value);
    }
  }

  /** {@code ,"name":} as bytes. */
  private static byte[] key(String name) {
    return ascii(",\"" + name + "\":");
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /** A JSON-RPC id: a number as a number, anything else as a string. */
  private void value(Object id) {
    if (id instanceof Integer || id instanceof Long || id instanceof Short || id instanceof Byte) {
      number(((Number) id).longValue());
    } else if (id instanceof BigDecimal decimal) {
      raw(decimal.toString());
    } else if (id instanceof Double || id instanceof Float) {
      double d = ((Number) id).doubleValue();
      raw(Double.isFinite(d) ? Double.toString(d) : "null");
    } else if (id instanceof Boolean b) {
      raw(b ? "true" : "false");
    } else {
      string(id.toString());
    }
  }

  /** {@code 2026-11-25T10:15:30.123Z}, the date worked out once a day. */
  private void timestamp(long epochMillis) {
    long days = Math.floorDiv(epochMillis, MILLIS_PER_DAY);
    if (days != day) {
      civilDate(days);
      day = days;
    }
    bytes(dayText, dayText.length);
    int inDay = (int) Math.floorMod(epochMillis, MILLIS_PER_DAY);
    twoDigits(inDay / 3_600_000);
    ensure(1);
    bytes[length++] = ':';
    twoDigits(inDay / 60_000 % 60);
    ensure(1);
    bytes[length++] = ':';
    twoDigits(inDay / 1000 % 60);
    ensure(5); // ".", three digits, "Z"
    int ms = inDay % 1000;
    bytes[length++] = '.';
    bytes[length++] = (byte) ('0' + ms / 100);
    bytes[length++] = (byte) ('0' + ms / 10 % 10);
    bytes[length++] = (byte) ('0' + ms % 10);
    bytes[length++] = 'Z';
  }

  /** {@code yyyy-MM-ddT} of a day since the epoch (proleptic Gregorian, years 0 to 9999). */
  private void civilDate(long days) {
    long z = days + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long doe = z - era * 146_097;
    long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    int d = (int) (doy - (153 * mp + 2) / 5 + 1);
    int m = (int) (mp < 10 ? mp + 3 : mp - 9);
    long y = yoe + era * 400 + (m <= 2 ? 1 : 0);
    int year = (int) Math.max(0, Math.min(9999, y));
    dayText[0] = (byte) ('0' + year / 1000);
    dayText[1] = (byte) ('0' + year / 100 % 10);
    dayText[2] = (byte) ('0' + year / 10 % 10);
    dayText[3] = (byte) ('0' + year % 10);
    dayText[4] = '-';
    dayText[5] = (byte) ('0' + m / 10);
    dayText[6] = (byte) ('0' + m % 10);
    dayText[7] = '-';
    dayText[8] = (byte) ('0' + d / 10);
    dayText[9] = (byte) ('0' + d % 10);
    dayText[10] = 'T';
  }

  private void twoDigits(int value) {
    ensure(2);
    bytes[length++] = (byte) ('0' + value / 10);
    bytes[length++] = (byte) ('0' + value % 10);
  }

  /** Microseconds as milliseconds with three decimals, never in exponent form: {@code 12.345}. */
  private void millis(long micros) {
    if (micros < 0) {
      raw("-");
      micros = -micros;
    }
    number(micros / 1000);
    ensure(4);
    int fraction = (int) (micros % 1000);
    bytes[length++] = '.';
    bytes[length++] = (byte) ('0' + fraction / 100);
    bytes[length++] = (byte) ('0' + fraction / 10 % 10);
    bytes[length++] = (byte) ('0' + fraction % 10);
  }

  private void number(long value) {
    if (value == Long.MIN_VALUE) {
      raw(Long.toString(value));
      return;
    }
    ensure(20);
    if (value < 0) {
      bytes[length++] = '-';
      value = -value;
    }
    long divisor = 1;
    while (value / divisor >= 10) {
      divisor *= 10;
    }
    for (; divisor > 0; divisor /= 10) {
      bytes[length++] = (byte) ('0' + (value / divisor) % 10);
    }
  }

  /** ASCII text that needs no escaping (names and fixed parts of the line). */
  private void raw(String ascii) {
    int n = ascii.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      bytes[length++] = (byte) ascii.charAt(i);
    }
  }

  private void bytes(byte[] source) {
    bytes(source, source.length);
  }

  private void bytes(byte[] source, int n) {
    ensure(n);
    System.arraycopy(source, 0, bytes, length, n);
    length += n;
  }

  private void string(String s) {
    int n = s.length();
    ensure(n * 6 + 2);
    bytes[length++] = '"';
    // Ids, names and most summaries are printable ASCII: copied byte for byte in a tight loop,
    // the general path taking over from the first character that needs more.
    byte[] out = bytes;
    int at = length;
    int i = 0;
    for (char c; i < n && plain(c = s.charAt(i)); i++) {
      out[at++] = (byte) c;
    }
    length = at;
    for (; i < n; i++) {
      i = character(s.charAt(i), i + 1 < n ? s.charAt(i + 1) : 0, i);
    }
    bytes[length++] = '"';
  }

  private void string(char[] chars, int n) {
    ensure(n * 6 + 2);
    bytes[length++] = '"';
    byte[] out = bytes;
    int at = length;
    int i = 0;
    for (char c; i < n && plain(c = chars[i]); i++) {
      out[at++] = (byte) c;
    }
    length = at;
    for (; i < n; i++) {
      i = character(chars[i], i + 1 < n ? chars[i + 1] : 0, i);
    }
    bytes[length++] = '"';
  }

  /**
   * Whether {@code c} is written as itself, one byte: printable ASCII but the quote and backslash.
   */
  private static boolean plain(char c) {
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
  }

  /**
   * Writes character {@code c} (at index {@code i}, followed by {@code next}, or 0 at the end) and
   * returns the index of the last character it used: a surrogate pair uses two.
   */
  private int character(char c, char next, int i) {
    if (c < 0x80) {
      if (c == '"' || c == '\\') {
        bytes[length++] = '\\';
        bytes[length++] = (byte) c;
      } else if (c < 0x20) {
        escapedControl(c);
      } else {
        bytes[length++] = (byte) c;
      }
    } else if (c < 0x800) {
      bytes[length++] = (byte) (0xc0 | (c >> 6));
      bytes[length++] = (byte) (0x80 | (c & 0x3f));
    } else if (Character.isHighSurrogate(c) && Character.isLowSurrogate(next)) {
      int cp = Character.toCodePoint(c, next);
      bytes[length++] = (byte) (0xf0 | (cp >> 18));
      bytes[length++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
      bytes[length++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
      bytes[length++] = (byte) (0x80 | (cp & 0x3f));
      return i + 1;
    } else if (Character.isSurrogate(c)) {
      unicodeEscape(c);
    } else {
      bytes[length++] = (byte) (0xe0 | (c >> 12));
      bytes[length++] = (byte) (0x80 | ((c >> 6) & 0x3f));
      bytes[length++] = (byte) (0x80 | (c & 0x3f));
    }
    return i;
  }

  private void escapedControl(char c) {
    char shortForm =
        switch (c) {
          case '\n' -> 'n';
          case '\r' -> 'r';
          case '\t' -> 't';
          case '\b' -> 'b';
          case '\f' -> 'f';
          default -> 0;
        };
    if (shortForm != 0) {
      bytes[length++] = '\\';
      bytes[length++] = (byte) shortForm;
    } else {
      unicodeEscape(c);
    }
  }

  private void unicodeEscape(char c) {
    bytes[length++] = '\\';
    bytes[length++] = 'u';
    bytes[length++] = HEX[(c >> 12) & 0xf];
    bytes[length++] = HEX[(c >> 8) & 0xf];
    bytes[length++] = HEX[(c >> 4) & 0xf];
    bytes[length++] = HEX[c & 0xf];
  }

  private void ensure(int more) {
    if (length + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
    }
  }
}
