package dev.comfyagent.instrument.weave;

/**
 * Reads the direct supertypes of a class from its class file: the superclass and interface names
 * after the constant pool (JVMS §4.1), without parsing fields, methods or attributes and without
 * loading anything. A few microseconds per class, which is what lets {@link ClassNameFilter} pass
 * over most classes before Byte Buddy describes them.
 *
 * <p>Stateless and thread-safe.
 */
final class ClassFileHeader {

  private static final int MAGIC = 0xCAFEBABE;

  private ClassFileHeader() {}

  /**
   * The internal names of the superclass (first; {@code null} for {@code java.lang.Object} and
   * module-info) and of the directly implemented interfaces, or {@code null} when {@code classFile}
   * is not a class file this reader understands.
   */
  static String[] directSupertypes(byte[] classFile) {
    try {
      return read(classFile);
    } catch (ArrayIndexOutOfBoundsException | IllegalArgumentException e) {
      return null;
    }
  }

  private static String[] read(byte[] b) {
    if (b == null || b.length < 10 || int4(b, 0) != MAGIC) {
      return null;
    }
    int count = u2(b, 8);
    int[] offsets = new int[count];
    int at = 10;
    for (int i = 1; i < count; i++) {
      offsets[i] = at;
      int tag = b[at] & 0xff;
      switch (tag) {
        case 1 -> at += 3 + u2(b, at + 1); // Utf8
        case 7, 8, 16, 19, 20 -> at += 3; // Class, String, MethodType, Module, Package
        case 15 -> at += 4; // MethodHandle
        case 3, 4, 9, 10, 11, 12, 17, 18 -> at += 5;
        case 5, 6 -> {
          at += 9; // Long, Double: two entries
          i++;
        }
        default -> throw new IllegalArgumentException("constant pool tag " + tag);
      }
    }
    int superIndex = u2(b, at + 4);
    int interfaces = u2(b, at + 6);
    String[] names = new String[1 + interfaces];
    names[0] = superIndex == 0 ? null : className(b, offsets, superIndex);
    for (int i = 0; i < interfaces; i++) {
      names[1 + i] = className(b, offsets, u2(b, at + 8 + 2 * i));
    }
    return names;
  }

  private static String className(byte[] b, int[] offsets, int classIndex) {
    int classAt = offsets[classIndex];
    if (b[classAt] != 7) {
      throw new IllegalArgumentException("not a class entry");
    }
    int utf8At = offsets[u2(b, classAt + 1)];
    if (b[utf8At] != 1) {
      throw new IllegalArgumentException("not a Utf8 entry");
    }
    return modifiedUtf8(b, utf8At + 3, u2(b, utf8At + 1));
  }

  /** Decodes the JVM's modified UTF-8 (JVMS §4.4.7). */
  private static String modifiedUtf8(byte[] b, int from, int length) {
    char[] chars = new char[length];
    int n = 0;
    int end = from + length;
    for (int i = from; i < end; ) {
      int c = b[i++] & 0xff;
      if (c < 0x80) {
        chars[n++] = (char) c;
      } else if ((c & 0xe0) == 0xc0) {
        chars[n++] = (char) (((c & 0x1f) << 6) | (b[i++] & 0x3f));
      } else {
        chars[n++] = (char) (((c & 0x0f) << 12) | ((b[i++] & 0x3f) << 6) | (b[i++] & 0x3f));
      }
    }
    return new String(chars, 0, n);
  }

  private static int u2(byte[] b, int at) {
    return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
  }

  private static int int4(byte[] b, int at) {
    return (u2(b, at) << 16) | u2(b, at + 2);
  }
}
