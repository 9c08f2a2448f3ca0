package dev.comfyagent.instrument.host;

import dev.comfyagent.instrument.record.TreeReader;
import java.lang.invoke.MethodHandle;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;

/**
 * Reads the host's Jackson trees ({@code com.fasterxml.jackson.databind.JsonNode} of Jackson 2,
 * {@code tools.jackson.databind.JsonNode} of Jackson 3) through method handles cached per node
 * class, so that a tool's {@code ObjectNode} arguments can be summarized without the agent linking
 * to the host's Jackson.
 *
 * <p>Thread-safe.
 */
final class JacksonTreeReader implements TreeReader {

  private static final String[] NODE_CLASSES = {
    "com.fasterxml.jackson.databind.JsonNode", "tools.jackson.databind.JsonNode"
  };

  private static final String[] OBJECT_NODE_CLASSES = {
    "com.fasterxml.jackson.databind.node.ObjectNode", "tools.jackson.databind.node.ObjectNode"
  };

  private static final String[] ARRAY_NODE_CLASSES = {
    "com.fasterxml.jackson.databind.node.ArrayNode", "tools.jackson.databind.node.ArrayNode"
  };

  private static final String[] VALUE_NODE_CLASSES = {
    "com.fasterxml.jackson.databind.node.ValueNode", "tools.jackson.databind.node.ValueNode"
  };

  /** {@link NodeMethods#kind}: the node's class does not tell; ask the node. */
  private static final int ASK_THE_NODE = -1;

  private static final ClassValue<NodeMethods> METHODS =
      new ClassValue<>() {
        @Override
        protected NodeMethods computeValue(Class<?> type) {
          Class<?> node = HostMethods.superclassNamed(type, NODE_CLASSES);
          return node == null ? NodeMethods.NONE : NodeMethods.of(node, kindOfClass(type));
        }
      };

  /**
   * What every node of {@code type} is, where Jackson's node classes fix it: an {@code ObjectNode}
   * is an object, an {@code ArrayNode} an array, a {@code ValueNode} (text, numbers, booleans,
   * null, binary, POJO) neither. A summary asks this for each value of every traced call, and
   * reading it from the class spares two method-handle calls on the node.
   */
  private static int kindOfClass(Class<?> type) {
    if (HostMethods.superclassNamed(type, OBJECT_NODE_CLASSES) != null) {
      return OBJECT;
    }
    if (HostMethods.superclassNamed(type, ARRAY_NODE_CLASSES) != null) {
      return ARRAY;
    }
    if (HostMethods.superclassNamed(type, VALUE_NODE_CLASSES) != null) {
      return SCALAR;
    }
    return ASK_THE_NODE;
  }

  @Override
  public boolean recognizes(Object value) {
    return value != null && METHODS.get(value.getClass()) != NodeMethods.NONE;
  }

  @Override
  public int kind(Object value) {
    if (value == null) {
      return NOT_A_NODE;
    }
    NodeMethods methods = METHODS.get(value.getClass());
    if (methods == NodeMethods.NONE) {
      return NOT_A_NODE;
    }
    if (methods.kind != ASK_THE_NODE) {
      return methods.kind;
    }
    return test(value, methods.isObject) ? OBJECT : test(value, methods.isArray) ? ARRAY : SCALAR;
  }

  @Override
  public boolean isObject(Object node) {
    return test(node, METHODS.get(node.getClass()).isObject);
  }

  @Override
  public boolean isArray(Object node) {
    return test(node, METHODS.get(node.getClass()).isArray);
  }

  @Override
  @SuppressWarnings("unchecked")
  public Iterator<? extends Map.Entry<String, ?>> fields(Object node) {
    NodeMethods methods = METHODS.get(node.getClass());
    if (methods.properties == null) {
      return Collections.emptyIterator();
    }
    try {
      Object fields = methods.properties.invokeExact(node);
      if (fields instanceof Collection<?> collection) {
        return (Iterator<? extends Map.Entry<String, ?>>) collection.iterator();
      }
      if (fields instanceof Iterator<?> iterator) {
        return (Iterator<? extends Map.Entry<String, ?>>) iterator;
      }
    } catch (Throwable e) {
      // fall through: no fields readable
    }
    return Collections.emptyIterator();
  }

  @Override
  public Iterator<?> elements(Object node) {
    return node instanceof Iterable<?> iterable ? iterable.iterator() : Collections.emptyIterator();
  }

  @Override
  public String scalarText(Object node) {
    MethodHandle text = METHODS.get(node.getClass()).text;
    try {
      return text == null ? "?" : String.valueOf((Object) text.invokeExact(node));
    } catch (Throwable e) {
      return "?";
    }
  }

  private static boolean test(Object node, MethodHandle predicate) {
    try {
      return predicate != null && (boolean) predicate.invokeExact(node);
    } catch (Throwable e) {
      return false;
    }
  }

  /** The methods of one Jackson major version's {@code JsonNode}. */
  private record NodeMethods(
      MethodHandle isObject,
      MethodHandle isArray,
      MethodHandle properties,
      MethodHandle text,
      int kind) {

    static final NodeMethods NONE = new NodeMethods(null, null, null, null, NOT_A_NODE);

    static NodeMethods of(Class<?> nodeClass, int kind) {
      MethodHandle properties = HostMethods.noArgs(nodeClass, "properties", Collection.class);
      if (properties == null) {
        properties = HostMethods.noArgs(nodeClass, "fields", Iterator.class);
      }
      MethodHandle text = HostMethods.noArgs(nodeClass, "asText", String.class);
      if (text == null) {
        text = HostMethods.noArgs(nodeClass, "asString", String.class);
      }
      return new NodeMethods(
          HostMethods.noArgs(nodeClass, "isObject", boolean.class),
          HostMethods.noArgs(nodeClass, "isArray", boolean.class),
          properties,
          text,
          kind);
    }
  }
}
