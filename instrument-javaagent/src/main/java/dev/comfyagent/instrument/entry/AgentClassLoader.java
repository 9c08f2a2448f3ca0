package dev.comfyagent.instrument.entry;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.ref.WeakReference;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.SecureClassLoader;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The isolated class loader of the agent's implementation: it reads classes and resources from the
 * agent jar's {@code inst/} directory, where no other loader, and no class-path scanner of the
 * host, can find them. Its parent is the platform class loader, so the agent sees the JDK and the
 * bootstrap bridge but never the host's classes (nor their versions of Byte Buddy, Jackson or
 * HdrHistogram, which the agent has relocated).
 *
 * <p>Class files are stored in <em>packs</em>: {@code inst/classes/<name>.pack} is a zip archive of
 * uncompressed class files (compressed as a whole by the agent jar, which makes the jar about half
 * the size of one compressed entry per class), and {@code inst/classes/<name>.list} names the
 * classes in it, one path per line. A pack is read whole when one of its classes is needed. The
 * {@value #FIRST_PACK} pack, whose list is read first, holds exactly the classes the build saw the
 * agent load while agent-runtime started (see {@code instrument-javaagent/pom.xml}), so a start
 * inflates and holds that pack only, not the packs of the classes it never uses. While the agent
 * and its host start, packs are held, so that each is read once: most agent classes load in {@code
 * premain}, but the weaving machinery and the advice are needed again while the host loads the
 * classes the agent weaves, and a pack dropped in between would be inflated again (5 to 25 ms each,
 * a dozen times over when the young collections of a starting host clear them). From {@value
 * #HOLD_AFTER_STARTUP_MILLIS} ms after {@link #startupDone()} on, packs are held weakly, so that
 * the memory goes back to the host at the next garbage collection (a later miss reads the pack
 * again). A class stored as a single {@code inst/<path>.classdata} entry (the earlier layout) is
 * found too. Other resources are {@code inst/<path>} entries.
 *
 * <p>Thread-safe (parallel capable).
 */
final class AgentClassLoader extends SecureClassLoader {

  static final String PREFIX = "inst/";
  static final String CLASS_SUFFIX = ".classdata";
  static final String PACKS = PREFIX + "classes/";
  static final String PACK_SUFFIX = ".pack";
  static final String LIST_SUFFIX = ".list";

  /** The package whose classes the implementation shares with the entry: this one. */
  static final String SHARED_PACKAGE = AgentClassLoader.class.getPackageName() + ".";

  /**
   * The pack of the classes the agent loads while it starts (the build measures them): read first.
   */
  static final String FIRST_PACK = "startup";

  /** How long packs stay held after {@code premain} returned: the host's own start-up. */
  static final long HOLD_AFTER_STARTUP_MILLIS = 30_000;

  static {
    registerAsParallelCapable();
  }

  private final JarFile jar;
  private final URI jarUri;
  private final CodeSource codeSource;
  private final Map<String, String> packOfClass = new HashMap<>();
  private final java.util.List<JarEntry> unreadLists = new java.util.ArrayList<>();
  // One lock per pack; its class files, once read, are held until startup is done, then weakly. No
  // nested class: where the agent jar is appended to the bootstrap class path (the fallback when
  // the bridge cannot be defined there directly), a nested class would be found and defined apart
  // from this one (which the system loader defined), and could not be used from it.
  private final Map<String, Object> packLocks = new HashMap<>();
  private final ConcurrentHashMap<String, WeakReference<Map<String, byte[]>>> packContents =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Map<String, byte[]>> heldWhileStarting =
      new ConcurrentHashMap<>();
  private volatile boolean starting = true;

  /**
   * @param agentJar the agent jar
   * @param parent the platform class loader
   * @throws UncheckedIOException when the jar cannot be opened or its pack lists read
   */
  AgentClassLoader(Path agentJar, ClassLoader parent) {
    super("comfy-agent", parent);
    try {
      this.jar = new JarFile(agentJar.toFile(), false);
      this.jarUri = agentJar.toUri();
      this.codeSource = new CodeSource(jarUri.toURL(), (Certificate[]) null);
      for (JarEntry entry : Collections.list(jar.entries())) {
        String name = entry.getName();
        if (name.startsWith(PACKS) && name.endsWith(LIST_SUFFIX)) {
          String pack = name.substring(0, name.length() - LIST_SUFFIX.length()) + PACK_SUFFIX;
          packLocks.put(pack, new Object());
          // The agent's own classes first: premain needs no other pack, nor any other list.
          if (name.equals(PACKS + FIRST_PACK + LIST_SUFFIX)) {
            unreadLists.add(0, entry);
          } else {
            unreadLists.add(entry);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the agent jar " + agentJar, e);
    }
  }

  /**
   * The pack holding class file {@code path}, reading more pack lists until one names it; null when
   * none does. Lists are read lazily because a JVM where the agent never starts needs the classes
   * of one pack only.
   */
  private String packOf(String path) throws IOException {
    synchronized (packOfClass) {
      String pack = packOfClass.get(path);
      while (pack == null && !unreadLists.isEmpty()) {
        JarEntry list = unreadLists.remove(0);
        String listed =
            list.getName().substring(0, list.getName().length() - LIST_SUFFIX.length())
                + PACK_SUFFIX;
        try (InputStream in = jar.getInputStream(list)) {
          for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            String classPath = line.strip();
            if (!classPath.isEmpty()) {
              packOfClass.put(classPath, listed);
            }
          }
        }
        pack = packOfClass.get(path);
      }
      return pack;
    }
  }

  /**
   * The entry package's classes come from the loader that loaded this one, where they are (they are
   * at their normal paths in the jar, in no pack): the implementation shares {@link AgentArguments}
   * with the entry that way, and gets no second copy of it.
   */
  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    if (name.startsWith(SHARED_PACKAGE)) {
      ClassLoader entryLoader = AgentClassLoader.class.getClassLoader();
      return Class.forName(name, false, entryLoader);
    }
    return super.loadClass(name, resolve);
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    byte[] bytes;
    try {
      bytes = classFile(name.replace('.', '/') + ".class");
    } catch (IOException e) {
      throw new ClassNotFoundException(name, e);
    }
    if (bytes == null) {
      throw new ClassNotFoundException(name);
    }
    int dot = name.lastIndexOf('.');
    if (dot > 0) {
      String packageName = name.substring(0, dot);
      if (getDefinedPackage(packageName) == null) {
        try {
          definePackage(packageName, null, null, null, null, null, null, null);
        } catch (IllegalArgumentException raced) {
          // defined concurrently by another thread
        }
      }
    }
    return defineClass(name, bytes, 0, bytes.length, codeSource);
  }

  /**
   * Resources stored under {@code inst/}. Class files are not resources with a URL (they are inside
   * packs): read them with {@link #getResourceAsStream}, as Byte Buddy does.
   */
  @Override
  protected URL findResource(String name) {
    String entryName = entryName(name);
    if (jar.getEntry(entryName) == null) {
      return null;
    }
    try {
      return URI.create("jar:" + jarUri + "!/" + entryName).toURL();
    } catch (MalformedURLException | IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  protected Enumeration<URL> findResources(String name) {
    URL url = findResource(name);
    return url == null
        ? Collections.emptyEnumeration()
        : Collections.enumeration(java.util.List.of(url));
  }

  @Override
  public InputStream getResourceAsStream(String name) {
    InputStream fromParent = getParent() == null ? null : getParent().getResourceAsStream(name);
    if (fromParent != null) {
      return fromParent;
    }
    String path = name.startsWith("/") ? name.substring(1) : name;
    try {
      if (path.endsWith(".class")) {
        byte[] bytes = classFile(path);
        return bytes == null ? null : new ByteArrayInputStream(bytes);
      }
      JarEntry entry = jar.getJarEntry(entryName(path));
      return entry == null ? null : jar.getInputStream(entry);
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * The agent has started: packs are held for {@value #HOLD_AFTER_STARTUP_MILLIS} ms more, while
   * the host starts and the agent weaves its classes, then weakly only. Called by {@link
   * AgentEntry} once the installer returned.
   */
  void startupDone() {
    Thread release =
        new Thread(
            () -> {
              try {
                Thread.sleep(HOLD_AFTER_STARTUP_MILLIS);
              } catch (InterruptedException e) {
                // released now
              }
              releaseHeldPacks();
            },
            "comfyagent-class-packs");
    release.setDaemon(true);
    release.start();
  }

  /** From now on packs are held weakly only: the next garbage collection may take them. */
  void releaseHeldPacks() {
    starting = false;
    heldWhileStarting.clear();
  }

  /** The bytes of class file {@code path} ({@code a/b/C.class}), or null when there is none. */
  private byte[] classFile(String path) throws IOException {
    String pack = packOf(path);
    if (pack != null) {
      return packContents(pack).get(path);
    }
    JarEntry entry = jar.getJarEntry(entryName(path));
    if (entry == null) {
      return null;
    }
    try (InputStream in = jar.getInputStream(entry)) {
      return in.readAllBytes();
    }
  }

  /** Where resource {@code name} is stored in the jar: class files as {@code inst/...classdata}. */
  static String entryName(String name) {
    String path = name.startsWith("/") ? name.substring(1) : name;
    if (path.endsWith(".class")) {
      return PREFIX + path.substring(0, path.length() - ".class".length()) + CLASS_SUFFIX;
    }
    return PREFIX + path;
  }

  /** The class files of a pack, read whole when needed and held weakly. */
  private Map<String, byte[]> packContents(String pack) throws IOException {
    WeakReference<Map<String, byte[]>> held = packContents.get(pack);
    Map<String, byte[]> contents = held == null ? null : held.get();
    if (contents != null) {
      return contents;
    }
    synchronized (packLocks.get(pack)) {
      held = packContents.get(pack);
      contents = held == null ? null : held.get();
      if (contents == null) {
        contents = readPack(pack);
        packContents.put(pack, new WeakReference<>(contents));
        if (starting) {
          heldWhileStarting.put(pack, contents);
        }
      }
      return contents;
    }
  }

  private Map<String, byte[]> readPack(String pack) throws IOException {
    JarEntry entry = jar.getJarEntry(pack);
    if (entry == null) {
      throw new IOException("the agent jar lacks " + pack);
    }
    Map<String, byte[]> contents = new HashMap<>();
    try (ZipInputStream in = new ZipInputStream(jar.getInputStream(entry))) {
      for (ZipEntry file = in.getNextEntry(); file != null; file = in.getNextEntry()) {
        if (!file.isDirectory()) {
          // A pack's entries are stored, so their sizes are known: one array each, filled in
          // place. readAllBytes would read in chunks and copy them, allocating the pack twice
          // over while the host starts, which its peak memory shows.
          long size = file.getSize();
          byte[] bytes =
              size >= 0 && size < Integer.MAX_VALUE ? in.readNBytes((int) size) : in.readAllBytes();
          contents.put(file.getName(), bytes);
        }
      }
    }
    return contents;
  }
}
