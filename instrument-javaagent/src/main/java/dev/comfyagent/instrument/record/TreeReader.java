package dev.comfyagent.instrument.record;

import java.util.Iterator;
import java.util.Map;
import java.util.function.BiConsumer;

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

  /**
   * Hands the fields of an object node of at most {@code maxFields} fields to {@code each}, in
   * order, without making an iterator: an input summary walks a tool's arguments on every traced
   * call, and on the tool's thread it makes no object. False by default, and for a node this reader
   * cannot walk so or that has more fields (a caller then walks {@link #fields}, which it can stop
   * early).
   *
   * @return whether the fields were handed over
   */
  default boolean forEachField(Object node, int maxFields, BiConsumer<String, Object> each) {
    return false;
  }

  /** The elements of an array node, in order. */
  Iterator<?> elements(Object node);

  /** The text of a value node: a string's own text, or a number's, boolean's or null's literal. */
  String scalarText(Object node);

  /**
   * The value of an object node's field {@code name}, or null when it has none. The default looks
   * through {@link #fields}; an implementation asks the node.
   */
  default Object field(Object node, String name) {
    Iterator<? extends Map.Entry<String, ?>> all = fields(node);
    while (all.hasNext()) {
      Map.Entry<String, ?> entry = all.next();
      if (name.equals(entry.getKey())) {
        return entry.getValue();
      }
    }
    return null;
  }

  /**
   * Whether a value node is a whole number that {@link #longValue} reads exactly, so that its
   * digits can be written without making its {@linkplain #scalarText text}; false by default.
   */
  default boolean isLong(Object node) {
    return false;
  }

  /** The number of a node {@link #isLong} accepts. */
  default long longValue(Object node) {
    throw new UnsupportedOperationException("not a whole-number node");
  }

  /** {@link #kind}: not a node this reader understands. */
  int NOT_A_NODE = 0;

  /** {@link #kind}: an object node. */
  int OBJECT = 1;

  /** {@link #kind}: an array node. */
  int ARRAY = 2;

  /** {@link #kind}: a value node (string, number, boolean, null). */
  int SCALAR = 3;

  /**
   * What {@code value} is, in one question: {@link #NOT_A_NODE}, {@link #OBJECT}, {@link #ARRAY} or
   * {@link #SCALAR}. The same answer as asking {@link #recognizes}, {@link #isObject} and {@link
   * #isArray} in turn; an input summary asks it for every value it renders, so an implementation
   * answers it with one look-up of the node's class.
   */
  default int kind(Object value) {
    if (!recognizes(value)) {
      return NOT_A_NODE;
    }
    return isObject(value) ? OBJECT : isArray(value) ? ARRAY : SCALAR;
  }

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
