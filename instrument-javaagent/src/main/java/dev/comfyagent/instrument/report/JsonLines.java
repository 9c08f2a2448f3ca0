package dev.comfyagent.instrument.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a file of JSON lines without holding it in memory: each line is handed over as bytes (the
 * trace scanner parses only the fields it needs), or as a tree of plain maps, lists, strings,
 * numbers and booleans ({@link #tree}). Blank lines (the padding of the agent's page-aligned writes
 * ends in spaces) are skipped; a last line without its line break (a writer killed in the middle of
 * it) is still handed over, and its parse fails like any other broken line.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * JsonLines.forEach(file, (bytes, offset, length, lineNumber, fileOffset) -> {
 *   Map<String, Object> line = JsonLines.tree(bytes, offset, length);
 * });
 * }</pre>
 */
final class JsonLines {

  /** Shared, thread-safe. */
  static final JsonFactory JSON = JsonFactory.builder().build();

  private static final int BUFFER = 1 << 16;

  /** Receives one line. */
  @FunctionalInterface
  interface LineConsumer {
    /**
     * @param bytes holds the line from {@code offset}, {@code length} bytes, without its line break
     * @param lineNumber from 1
     * @param fileOffset where the line starts in the file
     */
    void accept(byte[] bytes, int offset, int length, long lineNumber, long fileOffset)
        throws IOException;
  }

  private JsonLines() {}

  /**
   * Hands every non-blank line of {@code file} to {@code consumer}, in order.
   *
   * @throws IOException when the file cannot be read, or the consumer throws it
   */
  static void forEach(Path file, LineConsumer consumer) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[BUFFER];
      int start = 0;
      int end = 0;
      long lineNumber = 0;
      long base = 0; // the file offset of buffer[0]
      while (true) {
        int newline = -1;
        for (int i = start; i < end; i++) {
          if (buffer[i] == '\n') {
            newline = i;
            break;
          }
        }
        if (newline >= 0) {
          lineNumber++;
          if (!blank(buffer, start, newline)) {
            consumer.accept(buffer, start, newline - start, lineNumber, base + start);
          }
          start = newline + 1;
          continue;
        }
        if (start > 0) {
          System.arraycopy(buffer, start, buffer, 0, end - start);
          end -= start;
          base += start;
          start = 0;
        }
        if (end == buffer.length) {
          byte[] larger = new byte[buffer.length * 2];
          System.arraycopy(buffer, 0, larger, 0, end);
          buffer = larger;
        }
        int read = in.read(buffer, end, buffer.length - end);
        if (read < 0) {
          if (end > start && !blank(buffer, start, end)) {
            consumer.accept(buffer, start, end - start, lineNumber + 1, base + start);
          }
          return;
        }
        end += read;
      }
    }
  }

  /**
   * One line as a tree: objects as {@link LinkedHashMap}, arrays as lists, numbers as {@link Long}
   * or {@link Double}.
   *
   * @throws IOException when the line is not one whole JSON value
   */
  static Object tree(byte[] bytes, int offset, int length) throws IOException {
    try (JsonParser parser = JSON.createParser(bytes, offset, length)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw new IOException("an empty line");
      }
      Object value = value(parser, first);
      if (parser.nextToken() != null) {
        throw new IOException("more than one JSON value on the line");
      }
      return value;
    }
  }

  private static Object value(JsonParser parser, JsonToken token) throws IOException {
    switch (token) {
      case START_OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        JsonToken next;
        while ((next = parser.nextToken()) == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          map.put(name, value(parser, parser.nextToken()));
        }
        if (next != JsonToken.END_OBJECT) {
          throw new IOException("an object cut short");
        }
        return map;
      }
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        JsonToken next;
        while ((next = parser.nextToken()) != JsonToken.END_ARRAY) {
          if (next == null) {
            throw new IOException("an array cut short");
          }
          list.add(value(parser, next));
        }
        return list;
      }
      case VALUE_STRING -> {
        return parser.getText();
      }
      case VALUE_NUMBER_INT -> {
        return parser.getLongValue();
      }
      case VALUE_NUMBER_FLOAT -> {
        return parser.getDoubleValue();
      }
      case VALUE_TRUE -> {
        return Boolean.TRUE;
      }
      case VALUE_FALSE -> {
        return Boolean.FALSE;
      }
      case VALUE_NULL -> {
        return null;
      }
      default -> throw new IOException("unexpected " + token);
    }
  }

  private static boolean blank(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      byte b = bytes[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  /** What is wrong with a line, without the parser's source description. */
  static String problem(Exception e) {
    if (e instanceof com.fasterxml.jackson.core.JsonProcessingException json) {
      return json.getOriginalMessage()
          + (json.getLocation() == null
              ? ""
              : " (column " + json.getLocation().getColumnNr() + ")");
    }
    return e.getMessage();
  }
}
