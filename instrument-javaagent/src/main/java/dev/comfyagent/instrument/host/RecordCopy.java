package dev.comfyagent.instrument.host;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import java.util.Optional;

/**
 * Reads a component of a host record and makes a copy with one component replaced, through the
 * record's public accessors and canonical constructor (method handles, looked up once per class):
 * every other component is passed through as the same object, so the copy differs in that one
 * component only. Used for the runtime's {@code ToolResult} and the SDK's {@code CallToolResult}
 * and {@code TextContent}, without linking to either.
 *
 * <p>Thread-safe.
 */
public final class RecordCopy {

  private static final ClassValue<Optional<RecordCopy>> COPIES =
      new ClassValue<>() {
        @Override
        protected Optional<RecordCopy> computeValue(Class<?> type) {
          return Optional.ofNullable(of(type));
        }
      };

  private final String[] names;
  private final MethodHandle[] accessors;
  private final MethodHandle constructor;

  private RecordCopy(String[] names, MethodHandle[] accessors, MethodHandle constructor) {
    this.names = names;
    this.accessors = accessors;
    this.constructor = constructor;
  }

  /** The copier of {@code type}, when it is a public record the agent can construct. */
  public static Optional<RecordCopy> forType(Class<?> type) {
    return COPIES.get(type);
  }

  /** The value of component {@code name} of {@code record}. */
  public Object get(Object record, String name) throws Throwable {
    return accessors[index(name)].invoke(record);
  }

  /** A copy of {@code record} with component {@code name} set to {@code value}. */
  public Object with(Object record, String name, Object value) throws Throwable {
    int replaced = index(name);
    Object[] values = new Object[accessors.length];
    for (int i = 0; i < accessors.length; i++) {
      values[i] = i == replaced ? value : accessors[i].invoke(record);
    }
    return constructor.invokeWithArguments(values);
  }

  private int index(String name) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException("no record component " + name);
  }

  private static RecordCopy of(Class<?> type) {
    if (!type.isRecord()) {
      return null;
    }
    try {
      RecordComponent[] components = type.getRecordComponents();
      String[] names = new String[components.length];
      MethodHandle[] accessors = new MethodHandle[components.length];
      Class<?>[] types = new Class<?>[components.length];
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      for (int i = 0; i < components.length; i++) {
        names[i] = components[i].getName();
        types[i] = components[i].getType();
        accessors[i] = lookup.unreflect(components[i].getAccessor());
      }
      MethodHandle constructor =
          lookup.findConstructor(type, MethodType.methodType(void.class, types));
      return new RecordCopy(names, accessors, constructor);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return null;
    }
  }
}
