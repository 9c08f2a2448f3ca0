package dev.comfyagent.instrument.report;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.comfyagent.instrument.record.ToolStats;
import java.io.IOException;

/**
 * The fields of one traces.jsonl line that the report uses, read with a streaming parser that
 * decodes only those (an input summary is skipped unread unless {@code full}). One object is reused
 * for every line of a file.
 *
 * <p>Not thread-safe.
 */
final class TraceLine {

  long startMillis;
  String correlationId;
  long correlationHash;
  String tool;
  long micros;
  boolean success;
  boolean root;
  int seq;
  int parent;
  String instance;
  String errorType;
  String inputSummary;

  /** When the call ended: its start plus its duration. */
  long endMillis() {
    return startMillis + micros / 1000;
  }

  /**
   * Reads a line into this object.
   *
   * @param full whether to read the input summary and error type too (the slowest chains only)
   * @throws IOException when the line is not a whole trace line
   */
  void read(byte[] bytes, int offset, int length, boolean full) throws IOException {
    startMillis = Long.MIN_VALUE;
    correlationId = null;
    correlationHash = 0;
    tool = null;
    micros = -1;
    success = true;
    root = true;
    seq = 0;
    parent = 0;
    instance = null;
    errorType = null;
    inputSummary = null;
    try (JsonParser parser = JsonLines.JSON.createParser(bytes, offset, length)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("not a JSON object");
      }
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (value == null) {
          throw new IOException("the line is cut short");
        }
        if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
          parser.skipChildren();
          continue;
        }
        switch (name) {
          case "ts" -> startMillis = Timestamps.parseMillis(parser.getText());
          case "correlation_id" -> {
            if (value == JsonToken.VALUE_STRING) {
              correlationHash =
                  hash(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
              if (full) {
                correlationId = parser.getText();
              }
            }
          }
          case "tool_name" -> tool = parser.getText();
          case "duration_ms" -> {
            double ms = parser.getValueAsDouble(-1);
            micros =
                ms < 0 ? -1 : Math.min(Math.round(ms * 1000), ToolStats.HIGHEST_TRACKABLE_MICROS);
          }
          case "success" -> success = value != JsonToken.VALUE_FALSE;
          case "parent" -> {
            root = value == JsonToken.VALUE_NULL;
            parent = root ? 0 : parser.getValueAsInt(0);
          }
          case "seq" -> seq = parser.getValueAsInt(0);
          case "service.instance.id" -> instance = parser.getText();
          case "error.type" -> {
            if (full && value == JsonToken.VALUE_STRING) {
              errorType = parser.getText();
            }
          }
          case "input_summary" -> {
            if (full && value == JsonToken.VALUE_STRING) {
              inputSummary = parser.getText();
            }
          }
          default -> {
            // a field the report does not use
          }
        }
      }
      if (token != JsonToken.END_OBJECT) {
        throw new IOException("the line is cut short");
      }
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
    if (startMillis == Long.MIN_VALUE || tool == null || micros < 0) {
      throw new IOException("a trace line needs ts, tool_name and duration_ms");
    }
  }

  /** A 64-bit hash of a correlation id (FNV-1a, then a finalizer that spreads the bits). */
  static long hash(char[] chars, int offset, int length) {
    long h = 0xcbf29ce484222325L;
    for (int i = offset; i < offset + length; i++) {
      h ^= chars[i];
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h == 0 ? 1 : h;
  }

  /** {@link #hash} of a string. */
  static long hash(String text) {
    return hash(text.toCharArray(), 0, text.length());
  }
}
