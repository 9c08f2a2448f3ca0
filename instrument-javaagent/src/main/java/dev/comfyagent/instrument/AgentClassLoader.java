package dev.comfyagent.instrument;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.SecureClassLoader;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The isolated class loader of the agent's implementation: it reads classes and resources from the
 * agent jar's {@code inst/} directory, where class files are stored as {@code .classdata} so that
 * no other loader, and no class-path scanner of the host, can find them. Its parent is the platform
 * class loader, so the agent sees the JDK and the bootstrap bridge but never the host's classes
 * (nor their versions of Byte Buddy, Jackson or HdrHistogram, which the agent has relocated).
 *
 * <p>Thread-safe (parallel capable).
 */
final class AgentClassLoader extends SecureClassLoader {

  static final String PREFIX = "inst/";
  static final String CLASS_SUFFIX = ".classdata";

  static {
    registerAsParallelCapable();
  }

  private final JarFile jar;
  private final URI jarUri;
  private final CodeSource codeSource;

  /**
   * @param agentJar the agent jar
   * @param parent the platform class loader
   * @throws UncheckedIOException when the jar cannot be opened
   */
  AgentClassLoader(Path agentJar, ClassLoader parent) {
    super("comfy-agent", parent);
    try {
      this.jar = new JarFile(agentJar.toFile(), false);
      this.jarUri = agentJar.toUri();
      this.codeSource = new CodeSource(jarUri.toURL(), (Certificate[]) null);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the agent jar " + agentJar, e);
    }
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    JarEntry entry = jar.getJarEntry(PREFIX + name.replace('.', '/') + CLASS_SUFFIX);
    if (entry == null) {
      throw new ClassNotFoundException(name);
    }
    byte[] bytes;
    try (InputStream in = jar.getInputStream(entry)) {
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new ClassNotFoundException(name, e);
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
    JarEntry entry = jar.getJarEntry(entryName(name));
    if (entry == null) {
      return null;
    }
    try {
      return jar.getInputStream(entry);
    } catch (IOException e) {
      return null;
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
}
