package dev.comfyagent.instrument.record;

import java.util.Iterator;
import java.util.Map;

/**
 * Reads a host's JSON tree nodes (Jackson 2 or 3 {@code JsonNode}) that the agent cannot link to:
 * implemented with method handles looked up in the host's class loader.
 *
 * <p>Implementations are thread-safe and never throw for a node they {@link #recognizes}.
 */
public interface TreeReader {

  /** Whether {@code value} is a JSON tree node this reader understands. */
  boolean recognizes(Object value);

  /** Whether the node is an object (has named fields). */
  boolean isObject(Object node);

  /** Whether the node is an array. */
  boolean isArray(Object node);

  /** The fields of an object node, in order. */
  Iterator<? extends Map.Entry<String, ?>> fields(Object node);

  /** The elements of an array node, in order. */
  Iterator<?> elements(Object node);

  /** The text of a value node: a string's own text, or a number's, boolean's or null's literal. */
  String scalarText(Object node);

  /** A reader that recognizes nothing. */
  TreeReader NONE =
      new TreeReader() {
        @Override
        public boolean recognizes(Object value) {
          return false;
        }

        @Override
        public boolean isObject(Object node) {
          return false;
        }

        @Override
        public boolean isArray(Object node) {
          return false;
        }

        @Override
        public Iterator<? extends Map.Entry<String, ?>> fields(Object node) {
          return java.util.Collections.emptyIterator();
        }

        @Override
        public Iterator<?> elements(Object node) {
          return java.util.Collections.emptyIterator();
        }

        @Override
        public String scalarText(Object node) {
          return "";
        }
      };
}
