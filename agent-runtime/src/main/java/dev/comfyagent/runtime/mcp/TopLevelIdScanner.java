package dev.comfyagent.runtime.mcp;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;

/**
 * Finds the {@code id} member of a JSON object written to it byte by byte, in constant memory,
 * without parsing the rest: the {@link JsonRpcLineGuard} feeds it a line too long to keep, so that
 * the error it answers carries the request's id and the client does not wait for its own timeout.
 * Clients write members in any order (the MCP TypeScript SDK writes {@code id} last, after a {@code
 * params} that may be megabytes long), so the whole line goes through.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * TopLevelIdScanner scanner = new TopLevelIdScanner();
 * scanner.write(lineBytes);
 * byte[] id = scanner.id();   // the raw JSON of the id ("\"abc\"" or "42"), or null
 * }</pre>
 *
 * <p>Only a string or number id of at most {@value #MAX_ID_BYTES} bytes is kept; anything else (no
 * id, an id that is an object, a line that is not an object) gives {@code null}. A key spelled with
 * escapes ({@code "\u0069d"}) is not recognised. Not thread-safe.
 */
final class TopLevelIdScanner extends OutputStream {

  static final int MAX_ID_BYTES = 256;

  private int depth;
  private boolean started;
  private boolean objectLine;
  private boolean inString;
  private boolean escaped;
  private boolean readingKey;
  private boolean expectingKey;
  private final ByteArrayOutputStream key = new ByteArrayOutputStream(8);
  private boolean keyTooLong;
  private boolean lastKeyIsId;
  private boolean awaitingValue;
  private boolean capturing;
  private boolean capturingString;
  private final ByteArrayOutputStream value = new ByteArrayOutputStream(32);
  private byte[] id;

  @Override
  public void write(int b) {
    if (!started) {
      if (isWhitespace(b)) {
        return;
      }
      started = true;
      objectLine = b == '{';
    }
    if (!objectLine) {
      return;
    }
    if (inString) {
      inString(b);
      return;
    }
    if (capturing && !capturingString) {
      if (b == ',' || b == '}' || b == ']' || isWhitespace(b)) {
        finishCapture();
      } else {
        capture(b);
        return;
      }
    }
    switch (b) {
      case '{', '[' -> {
        depth++;
        if (depth == 1) {
          expectingKey = true;
        }
        awaitingValue = false;
      }
      case '}', ']' -> depth--;
      case '"' -> {
        inString = true;
        if (depth == 1 && expectingKey) {
          readingKey = true;
          key.reset();
          keyTooLong = false;
        } else if (depth == 1 && awaitingValue && lastKeyIsId) {
          startCapture(true);
          capture(b);
        }
        awaitingValue = false;
      }
      case ':' -> awaitingValue = depth == 1;
      case ',' -> {
        if (depth == 1) {
          expectingKey = true;
          lastKeyIsId = false;
        }
        awaitingValue = false;
      }
      default -> {
        if (isWhitespace(b)) {
          return;
        }
        if (depth == 1 && awaitingValue && lastKeyIsId && (b == '-' || (b >= '0' && b <= '9'))) {
          startCapture(false);
          capture(b);
        } else if (depth == 1 && awaitingValue && lastKeyIsId) {
          id = null; // null, true, false: not an id that can be answered
        }
        awaitingValue = false;
      }
    }
  }

  private void inString(int b) {
    if (escaped) {
      escaped = false;
      record(b);
      return;
    }
    if (b == '\\') {
      escaped = true;
      record(b);
      return;
    }
    if (b != '"') {
      record(b);
      return;
    }
    inString = false;
    if (readingKey) {
      readingKey = false;
      expectingKey = false;
      lastKeyIsId =
          !keyTooLong && "id".equals(key.toString(java.nio.charset.StandardCharsets.UTF_8));
    } else if (capturing) {
      capture(b);
      finishCapture();
    }
  }

  private void record(int b) {
    if (readingKey) {
      if (key.size() < 8) {
        key.write(b);
      } else {
        keyTooLong = true;
      }
    } else if (capturing) {
      capture(b);
    }
  }

  private void startCapture(boolean string) {
    capturing = true;
    capturingString = string;
    value.reset();
  }

  private void capture(int b) {
    if (value.size() < MAX_ID_BYTES) {
      value.write(b);
    } else {
      capturing = false;
      id = null;
      value.reset();
    }
  }

  private void finishCapture() {
    if (capturing) {
      id = value.toByteArray();
    }
    capturing = false;
  }

  /** The raw JSON of the last top-level {@code id} seen, or {@code null}. */
  byte[] id() {
    finishCapture();
    return id == null ? null : id.clone();
  }

  private static boolean isWhitespace(int b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r';
  }
}
