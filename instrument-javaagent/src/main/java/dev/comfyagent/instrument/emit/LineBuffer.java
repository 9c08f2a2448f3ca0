package dev.comfyagent.instrument.emit;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.Map;

/**
 * Builds whole JSON lines in memory, to be written to a {@link JsonLinesFile} in one piece. A line
 * that fails half-way is discarded, so the buffer only ever holds complete lines.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * LineBuffer lines = new LineBuffer();
 * lines.line(json -> { json.writeStringField("ts", LineBuffer.timestamp(now)); });
 * file.append(lines.bytes(), 0, lines.length());
 * lines.clear();
 * }</pre>
 *
 * <p><b>Assumptions and guarantees.</b>
 *
 * <ul>
 *   <li>One thread owns a buffer (the trace writer's thread, or the metrics reporter under its
 *       lock); nothing in it is synchronised.
 *   <li>The buffer holds whole lines only: a line whose fields fail to write (an exception from
 *       Jackson or from the caller's {@link ObjectWriter}) is cut off, leaving the buffer as it
 *       was, and the exception is rethrown.
 *   <li>The buffer grows to the largest batch written and keeps that capacity after {@link #clear}
 *       (no allocation per batch once warm); {@link #bytes()} is the live array, valid until the
 *       next write.
 * </ul>
 *
 * <p>Not thread-safe: one per writing thread.
 */
final class LineBuffer {

  private static final JsonFactory JSON = JsonFactory.builder().build();
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  /** Writes the fields of one JSON object. */
  @FunctionalInterface
  interface ObjectWriter {
    void write(JsonGenerator json) throws IOException;
  }

  private final Bytes bytes = new Bytes();

  /**
   * Appends one line holding the object {@code fields} writes.
   *
   * @throws IOException when writing fails; the buffer is then as it was before
   */
  void line(ObjectWriter fields) throws IOException {
    int mark = bytes.size();
    try (JsonGenerator json = JSON.createGenerator(bytes, JsonEncoding.UTF8)) {
      json.writeStartObject();
      fields.write(json);
      json.writeEndObject();
    } catch (IOException | RuntimeException e) {
      bytes.truncate(mark);
      throw e;
    }
    bytes.write('\n');
  }

  /** The buffered bytes: whole lines from 0 to {@link #length()}. */
  byte[] bytes() {
    return bytes.buffer();
  }

  /** Bytes buffered. */
  int length() {
    return bytes.size();
  }

  /** Lines buffered, counted by their line ends. */
  int lines() {
    int lines = 0;
    byte[] buffer = bytes.buffer();
    for (int i = 0; i < bytes.size(); i++) {
      if (buffer[i] == '\n') {
        lines++;
      }
    }
    return lines;
  }

  /** Empties the buffer. */
  void clear() {
    bytes.reset();
  }

  /** An ISO-8601 UTC timestamp with milliseconds: {@code 2026-11-25T10:15:30.123Z}. */
  static String timestamp(long epochMillis) {
    return TIMESTAMP.format(Instant.ofEpochMilli(epochMillis));
  }

  /** Writes microseconds as milliseconds with three decimals, never in exponent form. */
  static void writeMillisField(JsonGenerator json, String name, long micros) throws IOException {
    json.writeFieldName(name);
    json.writeNumber(BigDecimal.valueOf(micros, 3));
  }

  /** Writes a plain value tree (maps, collections, strings, numbers, booleans, null). */
  static void writeValue(JsonGenerator json, Object value) throws IOException {
    if (value == null) {
      json.writeNull();
    } else if (value instanceof Map<?, ?> map) {
      json.writeStartObject();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        json.writeFieldName(String.valueOf(entry.getKey()));
        writeValue(json, entry.getValue());
      }
      json.writeEndObject();
    } else if (value instanceof Collection<?> list) {
      json.writeStartArray();
      for (Object element : list) {
        writeValue(json, element);
      }
      json.writeEndArray();
    } else if (value instanceof Boolean b) {
      json.writeBoolean(b);
    } else if (value instanceof Integer || value instanceof Long || value instanceof Short) {
      json.writeNumber(((Number) value).longValue());
    } else if (value instanceof BigDecimal d) {
      json.writeNumber(d);
    } else if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isFinite(d)) {
        json.writeNumber(d);
      } else {
        json.writeNull();
      }
    } else {
      json.writeString(value.toString());
    }
  }

  /** A byte array stream that exposes its buffer and can drop a failed tail. */
  private static final class Bytes extends ByteArrayOutputStream {
    Bytes() {
      super(8192);
    }

    byte[] buffer() {
      return buf;
    }

    void truncate(int size) {
      count = size;
    }
  }
}
