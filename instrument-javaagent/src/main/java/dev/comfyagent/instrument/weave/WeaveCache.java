package dev.comfyagent.instrument.weave;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.Adler32;
import java.util.zip.CRC32C;

/**
 * What weaving made of the classes a start weaves, recorded by the build and looked up before Byte
 * Buddy is asked: a class whose class file, rule set, class-loader answers and supertypes are
 * exactly those of the build's training run gets the bytes live weaving gave it then, and a start
 * that finds every class it weaves here never loads Byte Buddy's type pool, advice or class writer
 * (about 650 classes to load and verify, 180 ms and 25 MiB of agent-runtime's start on the
 * reference machine). Anything else, a class of another version, another rule set (other options),
 * a supertype that changed, is a miss and is woven live as before: the cache can make a start
 * faster, never different.
 *
 * <p>The build's {@code agent-layout} step records it by running agent-runtime with the agent and
 * the system property {@value #RECORD_PROPERTY} naming a file (see {@code StartupClassList}); the
 * jar carries it as {@code inst/}{@value #RESOURCE}. An entry holds, for one class as it reached
 * the weaver:
 *
 * <ul>
 *   <li>its binary name, length and checksum (CRC32C and Adler-32 of the class file);
 *   <li>which rules' class-loader matchers accepted its loader;
 *   <li>the checksum of every other class file the weaver read to decide (its supertypes, found
 *       through its loader), or that it found none: JDK classes are left out, since no JDK type can
 *       have a host type as its supertype, which is all the rules ask of them, and a cache bound to
 *       one JDK build would miss on every other;
 *   <li>the woven class file, or none when the class was left as it was.
 * </ul>
 *
 * <p>The whole file is bound to one rule set by its fingerprint ({@link WeaveRules#fingerprint}): a
 * start with other rules ignores it.
 *
 * <p>Thread-safe.
 */
final class WeaveCache {

  /** Where the agent jar holds the cache, below {@code inst/}. */
  static final String RESOURCE = "weaves/startup.weaves";

  /** Set to a file path, the agent weaves everything live and appends what it did to that file. */
  static final String RECORD_PROPERTY = "dev.comfyagent.instrument.weaves.record";

  /** A dependency the weaver looked for and did not find. */
  static final long ABSENT = -1L;

  /** The cache of a start that has none: every lookup misses. */
  static final WeaveCache NONE = new WeaveCache(Map.of());

  private static final int MAGIC = 0x43574331; // "CWC1"

  private final Map<String, Entry[]> byName;

  private WeaveCache(Map<String, Entry[]> byName) {
    this.byName = byName;
  }

  /** One recorded class. {@code woven} is null when weaving left the class unchanged. */
  record Entry(
      String name,
      int length,
      long checksum,
      long loaderMask,
      List<Dependency> dependencies,
      int toolCallPaths,
      byte[] woven) {}

  /** A class file the weaver read while deciding, by binary name, or {@link #ABSENT}. */
  record Dependency(String name, long checksum) {}

  /**
   * A hit: the class's woven bytes, or null when it is to be left unchanged, and how many of its
   * methods are tool-call paths ({@link JoinPointFound}).
   */
  record Hit(byte[] woven, int toolCallPaths) {}

  /**
   * The cache in {@code loader}'s resource {@value #RESOURCE}, if it was recorded for the rules
   * whose fingerprint is {@code fingerprint}; {@link #NONE} when there is none, it was recorded for
   * other rules, or it cannot be read (a damaged cache costs the speed-up only).
   */
  static WeaveCache load(ClassLoader loader, String fingerprint) {
    try (InputStream in = loader.getResourceAsStream(RESOURCE)) {
      return in == null ? NONE : read(in, fingerprint);
    } catch (IOException | RuntimeException e) {
      return NONE;
    }
  }

  /** Reads a recorded cache; {@link #NONE} when its fingerprint is not {@code fingerprint}. */
  static WeaveCache read(InputStream stream, String fingerprint) throws IOException {
    DataInputStream in = new DataInputStream(stream);
    if (in.readInt() != MAGIC || !fingerprint.equals(readString(in))) {
      return NONE;
    }
    Map<String, List<Entry>> entries = new HashMap<>();
    while (true) {
      String name;
      try {
        name = readString(in);
      } catch (EOFException end) {
        break;
      }
      int length = in.readInt();
      long checksum = in.readLong();
      long loaderMask = in.readLong();
      int dependencyCount = in.readInt();
      List<Dependency> dependencies = new ArrayList<>(dependencyCount);
      for (int i = 0; i < dependencyCount; i++) {
        dependencies.add(new Dependency(readString(in), in.readLong()));
      }
      int toolCallPaths = in.readInt();
      int wovenLength = in.readInt();
      byte[] woven = null;
      if (wovenLength >= 0) {
        woven = new byte[wovenLength];
        in.readFully(woven);
      }
      // Loops, not lambdas: this runs on the host's thread while it starts.
      List<Entry> named = entries.get(name);
      if (named == null) {
        named = new ArrayList<>(1);
        entries.put(name, named);
      }
      named.add(
          new Entry(
              name, length, checksum, loaderMask, List.copyOf(dependencies), toolCallPaths, woven));
    }
    Map<String, Entry[]> byName = new HashMap<>();
    for (Map.Entry<String, List<Entry>> named : entries.entrySet()) {
      byName.put(named.getKey(), named.getValue().toArray(new Entry[0]));
    }
    return new WeaveCache(byName);
  }

  /** Whether this cache holds nothing (no cache, or one for other rules). */
  boolean isEmpty() {
    return byName.isEmpty();
  }

  /**
   * The recorded outcome for class {@code name} with class file {@code classFile} in {@code
   * loader}, or null when nothing recorded matches it exactly.
   *
   * @param loaderMask bit {@code i} set when rule {@code i} has no class-loader matcher or its
   *     matcher accepts {@code loader}
   * @param files where the class files of its dependencies are read, once per loader
   */
  Hit find(
      String name, byte[] classFile, long loaderMask, ClassLoader loader, LoaderClassFiles files) {
    Entry[] candidates = byName.get(name);
    if (candidates == null) {
      return null;
    }
    long checksum = checksum(classFile);
    for (Entry entry : candidates) {
      if (entry.length() == classFile.length
          && entry.checksum() == checksum
          && entry.loaderMask() == loaderMask
          && dependenciesHold(entry.dependencies(), loader, files)) {
        return new Hit(entry.woven(), entry.toolCallPaths());
      }
    }
    return null;
  }

  private static boolean dependenciesHold(
      List<Dependency> dependencies, ClassLoader loader, LoaderClassFiles files) {
    for (Dependency dependency : dependencies) {
      if (files.of(loader, dependency.name().replace('.', '/')).checksum()
          != dependency.checksum()) {
        return false;
      }
    }
    return true;
  }

  /** CRC32C in the high half, Adler-32 in the low half: never {@link #ABSENT}. */
  static long checksum(byte[] classFile) {
    CRC32C crc = new CRC32C();
    crc.update(classFile, 0, classFile.length);
    Adler32 adler = new Adler32();
    adler.update(classFile, 0, classFile.length);
    return (crc.getValue() << 32) | adler.getValue();
  }

  /** Whether the weaver's reads of class {@code name} are recorded as a dependency. */
  static boolean dependsOn(String name) {
    return !(name.startsWith("java.")
        || name.startsWith("javax.")
        || name.startsWith("jdk.")
        || name.startsWith("sun.")
        || name.startsWith("com.sun."));
  }

  private static String readString(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > 1 << 20) {
      throw new IOException("not a weave cache: a string of " + length + " bytes");
    }
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static void writeString(DataOutputStream out, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  /**
   * Writes what live weaving did to a file, for the build. The file is rewritten whole at every
   * record, through a temporary file, so that a training run stopped at any point leaves a readable
   * cache; its entries are sorted and each is written once, so that two builds of one commit write
   * the same file whatever order their threads wove in. Used only when {@value #RECORD_PROPERTY} is
   * set.
   */
  static final class Recorder {
    private final Path file;
    private final String fingerprint;
    private final TreeSet<byte[]> entries = new TreeSet<>(Arrays::compareUnsigned);

    Recorder(Path file, String fingerprint) {
      this.file = file;
      this.fingerprint = fingerprint;
    }

    /**
     * Records the outcome for one class; {@code woven} null when it was left unchanged, {@code
     * toolCallPaths} the tool-call path methods its weaving matched.
     */
    synchronized void record(
        String name,
        byte[] classFile,
        long loaderMask,
        List<Dependency> dependencies,
        int toolCallPaths,
        byte[] woven)
        throws IOException {
      ByteArrayOutputStream entry = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(entry);
      writeString(out, name);
      out.writeInt(classFile.length);
      out.writeLong(checksum(classFile));
      out.writeLong(loaderMask);
      out.writeInt(dependencies.size());
      for (Dependency dependency : dependencies) {
        writeString(out, dependency.name());
        out.writeLong(dependency.checksum());
      }
      out.writeInt(toolCallPaths);
      if (woven == null) {
        out.writeInt(-1);
      } else {
        out.writeInt(woven.length);
        out.write(woven);
      }
      out.flush();
      if (!entries.add(entry.toByteArray())) {
        return;
      }
      ByteArrayOutputStream whole = new ByteArrayOutputStream();
      DataOutputStream header = new DataOutputStream(whole);
      header.writeInt(MAGIC);
      writeString(header, fingerprint);
      header.flush();
      for (byte[] recorded : entries) {
        whole.write(recorded);
      }
      Path written = file.resolveSibling(file.getFileName() + ".tmp");
      Files.write(written, whole.toByteArray());
      Files.move(written, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
