package dev.comfyagent.instrument.weave;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * What the weaver has read of the class files a class loader holds, other than the class being
 * woven: each file's checksum (for the {@link WeaveCache}'s dependencies) and its direct supertypes
 * (for the {@link SupertypeWalk}), read once per loader and file, so that the two never read one
 * supertype's file twice. Kept weakly per loader.
 *
 * <p>Thread-safe.
 */
final class LoaderClassFiles {

  /** What was read of one class file. */
  record Read(long checksum, String[] directSupertypes) {

    /** Whether the file was there and its header could be read. */
    boolean hasSupertypes() {
      return directSupertypes != null;
    }
  }

  /** The loader has no such class file. */
  static final Read ABSENT = new Read(WeaveCache.ABSENT, null);

  /** The loader has the file but it could not be read: matches no recorded checksum. */
  static final Read UNREADABLE = new Read(WeaveCache.ABSENT - 1, null);

  private final Map<ClassLoader, Map<String, Read>> reads = new WeakHashMap<>();

  /** Class {@code internalName}'s file as {@code loader} finds it ({@code a/b/C}, no suffix). */
  Read of(ClassLoader loader, String internalName) {
    synchronized (reads) {
      Map<String, Read> known = reads.get(loader);
      Read read = known == null ? null : known.get(internalName);
      if (read != null) {
        return read;
      }
    }
    Read read;
    try (InputStream in = loader.getResourceAsStream(internalName + ".class")) {
      if (in == null) {
        read = ABSENT;
      } else {
        byte[] classFile = in.readAllBytes();
        read =
            new Read(WeaveCache.checksum(classFile), ClassFileHeader.directSupertypes(classFile));
      }
    } catch (IOException | RuntimeException e) {
      read = UNREADABLE;
    }
    synchronized (reads) {
      Map<String, Read> known = reads.get(loader);
      if (known == null) {
        known = new HashMap<>();
        reads.put(loader, known);
      }
      known.put(internalName, read);
    }
    return read;
  }
}
