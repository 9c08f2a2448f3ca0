package dev.comfyagent.instrument.host;

import dev.comfyagent.instrument.record.TreeReader;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

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

  /**
   * Jackson's nodes of whole numbers that {@code longValue()} reads exactly (not {@code
   * BigIntegerNode}): a summary writes their digits without making their text.
   */
  private static final String[] LONG_NODE_CLASSES = {
    "com.fasterxml.jackson.databind.node.IntNode",
    "com.fasterxml.jackson.databind.node.LongNode",
    "com.fasterxml.jackson.databind.node.ShortNode",
    "tools.jackson.databind.node.IntNode",
    "tools.jackson.databind.node.LongNode",
    "tools.jackson.databind.node.ShortNode"
  };

  /** {@link NodeMethods#kind}: the node's class does not tell; ask the node. */
  private static final int ASK_THE_NODE = -1;

  private static final ClassValue<NodeMethods> METHODS =
      new ClassValue<>() {
        @Override
        protected NodeMethods computeValue(Class<?> type) {
          Class<?> node = HostMethods.superclassNamed(type, NODE_CLASSES);
          return node == null
              ? NodeMethods.NONE
              : NodeMethods.of(
                  node,
                  type,
                  kindOfClass(type),
                  HostMethods.superclassNamed(type, LONG_NODE_CLASSES) != null);
        }
      };

  /** Node classes an inline cache links: objects, arrays, text, a few kinds of numbers. */
  private static final int CACHED_CLASSES = 8;

  private static final MethodType READ = MethodType.methodType(Object.class, Object.class);

  private static final MethodHandle NOTHING =
      MethodHandles.dropArguments(MethodHandles.constant(Object.class, null), 0, Object.class);

  private static final MethodHandle ASK_THE_NODE_HANDLE;

  static {
    try {
      ASK_THE_NODE_HANDLE =
          MethodHandles.lookup()
              .findStatic(
                  JacksonTreeReader.class,
                  "askTheNode",
                  MethodType.methodType(int.class, NodeMethods.class, Object.class));
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  // Asked for every value of every traced call's summary: inline caches, which the JIT compiles as
  // direct calls (see InlineCache); a ClassValue's handles it calls out of line.
  private static final MethodHandle KIND =
      InlineCache.byReceiverClass(
          MethodType.methodType(int.class, Object.class),
          JacksonTreeReader::kindOf,
          CACHED_CLASSES);
  // A JsonNode method serves every node of its Jackson: one link per Jackson in the process.
  private static final MethodHandle PROPERTIES =
      InlineCache.byReceiver(READ, type -> nodeMethod(type, METHODS.get(type).properties), 2);
  private static final MethodHandle TEXT =
      InlineCache.byReceiver(READ, type -> nodeMethod(type, METHODS.get(type).text), 2);
  private static final MethodHandle FIELD =
      InlineCache.byReceiver(
          MethodType.methodType(Object.class, Object.class, String.class),
          type -> {
            MethodHandle get = METHODS.get(type).get;
            return get != null
                ? InlineCache.Link.forInstancesOf(METHODS.get(type).jsonNode, get)
                : InlineCache.Link.forClass(
                    type, MethodHandles.dropArguments(NOTHING, 1, String.class));
          },
          2);
  // An object node's fields, handed to a visitor (ObjectNode#forEachEntry: Jackson 2.15 and later)
  // after its size was read: walking them makes no iterator. Past the bound, or in a Jackson that
  // lacks it, the fields are read through an iterator.
  private static final MethodHandle SIZE =
      onObjectNodes(
          MethodType.methodType(int.class, Object.class),
          NodeMethods::size,
          MethodHandles.dropArguments(
              MethodHandles.constant(int.class, Integer.MAX_VALUE), 0, Object.class));
  private static final MethodHandle FOR_EACH_ENTRY =
      onObjectNodes(
          MethodType.methodType(void.class, Object.class, BiConsumer.class),
          NodeMethods::forEachEntry,
          MethodHandles.empty(MethodType.methodType(void.class, Object.class, BiConsumer.class)));
  // Whole numbers are told apart by the node's class.
  private static final MethodHandle IS_LONG =
      InlineCache.byReceiverClass(
          MethodType.methodType(boolean.class, Object.class),
          type ->
              MethodHandles.dropArguments(
                  MethodHandles.constant(boolean.class, METHODS.get(type).longValue != null),
                  0,
                  Object.class),
          CACHED_CLASSES);
  private static final MethodHandle LONG_VALUE =
      InlineCache.byReceiverClass(
          MethodType.methodType(long.class, Object.class),
          type -> {
            MethodHandle longValue = METHODS.get(type).longValue;
            return longValue != null
                ? longValue
                : MethodHandles.dropArguments(
                    MethodHandles.constant(long.class, 0L), 0, Object.class);
          },
          CACHED_CLASSES);

  /**
   * A {@code JsonNode} method's link: for all nodes of its Jackson, or reading null for a class.
   */
  private static InlineCache.Link nodeMethod(Class<?> type, MethodHandle method) {
    return method == null
        ? InlineCache.Link.forClass(type, NOTHING)
        : InlineCache.Link.forInstancesOf(METHODS.get(type).jsonNode, method);
  }

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
    try {
      return (int) KIND.invokeExact(value);
    } catch (Throwable e) {
      return NOT_A_NODE;
    }
  }

  /** {@link #kind} of the nodes of one class, as {@code (Object) -> int}. */
  private static MethodHandle kindOf(Class<?> type) {
    NodeMethods methods = METHODS.get(type);
    if (methods.kind != ASK_THE_NODE) {
      return MethodHandles.dropArguments(
          MethodHandles.constant(int.class, methods.kind), 0, Object.class);
    }
    return MethodHandles.insertArguments(ASK_THE_NODE_HANDLE, 0, methods);
  }

  private static int askTheNode(NodeMethods methods, Object node) {
    return test(node, methods.isObject) ? OBJECT : test(node, methods.isArray) ? ARRAY : SCALAR;
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
    try {
      Object fields = (Object) PROPERTIES.invokeExact(node);
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

  /**
   * {@code method} of the object nodes of a Jackson that has {@code forEachEntry}, and {@code
   * otherwise} for every other receiver.
   */
  private static MethodHandle onObjectNodes(
      MethodType type, Function<NodeMethods, MethodHandle> method, MethodHandle otherwise) {
    return InlineCache.byReceiver(
        type,
        receiver -> {
          NodeMethods methods = METHODS.get(receiver);
          return methods.forEachEntry != null
              ? InlineCache.Link.forInstancesOf(methods.objectNode, method.apply(methods))
              : InlineCache.Link.forClass(receiver, otherwise);
        },
        2);
  }

  @Override
  public boolean forEachField(Object node, int maxFields, BiConsumer<String, Object> each) {
    try {
      // An object node of a Jackson without forEachEntry reads as too large.
      int size = (int) SIZE.invokeExact(node);
      if (size > maxFields) {
        return false;
      }
      FOR_EACH_ENTRY.invokeExact(node, each);
      return true;
    } catch (RuntimeException | Error e) {
      // Thrown by the visitor or by the node (changed while it is walked), as an iterator's would
      // be: the caller's to count.
      throw e;
    } catch (Throwable e) {
      return false;
    }
  }

  @Override
  public Object field(Object node, String name) {
    try {
      return (Object) FIELD.invokeExact(node, name);
    } catch (Throwable e) {
      return null;
    }
  }

  @Override
  public boolean isLong(Object node) {
    try {
      return (boolean) IS_LONG.invokeExact(node);
    } catch (Throwable e) {
      return false;
    }
  }

  @Override
  public long longValue(Object node) {
    try {
      return (long) LONG_VALUE.invokeExact(node);
    } catch (Throwable e) {
      return 0;
    }
  }

  @Override
  public Iterator<?> elements(Object node) {
    return node instanceof Iterable<?> iterable ? iterable.iterator() : Collections.emptyIterator();
  }

  @Override
  public String scalarText(Object node) {
    try {
      Object text = (Object) TEXT.invokeExact(node);
      return text == null ? "?" : String.valueOf(text);
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
      Class<?> jsonNode,
      MethodHandle isObject,
      MethodHandle isArray,
      MethodHandle properties,
      MethodHandle text,
      MethodHandle get,
      MethodHandle longValue,
      Class<?> objectNode,
      MethodHandle size,
      MethodHandle forEachEntry,
      int kind) {

    static final NodeMethods NONE =
        new NodeMethods(null, null, null, null, null, null, null, null, null, null, NOT_A_NODE);

    static NodeMethods of(Class<?> nodeClass, Class<?> type, int kind, boolean wholeNumber) {
      MethodHandle properties = HostMethods.noArgs(nodeClass, "properties", Collection.class);
      if (properties == null) {
        properties = HostMethods.noArgs(nodeClass, "fields", Iterator.class);
      }
      MethodHandle text = HostMethods.noArgs(nodeClass, "asText", String.class);
      if (text == null) {
        text = HostMethods.noArgs(nodeClass, "asString", String.class);
      }
      Class<?> objectNode = HostMethods.superclassNamed(type, OBJECT_NODE_CLASSES);
      MethodHandle forEachEntry = objectNode == null ? null : forEachEntry(objectNode);
      return new NodeMethods(
          nodeClass,
          HostMethods.noArgs(nodeClass, "isObject", boolean.class),
          HostMethods.noArgs(nodeClass, "isArray", boolean.class),
          properties,
          text,
          field(nodeClass),
          wholeNumber ? HostMethods.noArgs(nodeClass, "longValue", long.class) : null,
          objectNode,
          forEachEntry == null ? null : HostMethods.noArgs(nodeClass, "size", int.class),
          forEachEntry,
          kind);
    }

    /**
     * {@code ObjectNode#forEachEntry(BiConsumer)} as {@code (Object, BiConsumer) -> void}, or null
     * (before Jackson 2.15).
     */
    private static MethodHandle forEachEntry(Class<?> objectNode) {
      try {
        return MethodHandles.publicLookup()
            .findVirtual(
                objectNode, "forEachEntry", MethodType.methodType(void.class, BiConsumer.class))
            .asType(MethodType.methodType(void.class, Object.class, BiConsumer.class));
      } catch (ReflectiveOperationException | RuntimeException e) {
        return null;
      }
    }

    /** {@code JsonNode get(String)} as {@code (Object, String) -> Object}, or null. */
    private static MethodHandle field(Class<?> nodeClass) {
      try {
        return MethodHandles.publicLookup()
            .findVirtual(nodeClass, "get", MethodType.methodType(nodeClass, String.class))
            .asType(MethodType.methodType(Object.class, Object.class, String.class));
      } catch (ReflectiveOperationException | RuntimeException e) {
        return null;
      }
    }
  }
}
