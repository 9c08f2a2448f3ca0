package dev.comfyagent.instrument.attach;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/** Builds agent jars at test time from the compiled main and test classes. */
final class TestJars {

  private TestJars() {}

  static Path testClasses() {
    return codeSource(WaitsOnStdin.class);
  }

  static Path mainClasses() {
    return codeSource(AttachCommand.class);
  }

  /**
   * A jar holding the attach command and the test agents, with the given Agent-Class (none when
   * null) and the command as Main-Class, like the real agent jar.
   */
  static Path agentJar(Path folder, String name, Class<?> agentClass) throws IOException {
    Manifest manifest = new Manifest();
    Attributes attributes = manifest.getMainAttributes();
    attributes.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    attributes.put(Attributes.Name.MAIN_CLASS, AttachCommand.class.getName());
    if (agentClass != null) {
      attributes.putValue("Agent-Class", agentClass.getName());
      attributes.putValue("Can-Retransform-Classes", "true");
    }
    Path jar = folder.resolve(name);
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
      addPackage(out, mainClasses());
      addPackage(out, testClasses());
    }
    return jar;
  }

  private static void addPackage(JarOutputStream out, Path classesRoot) throws IOException {
    Path folder = classesRoot.resolve("dev/comfyagent/instrument/attach");
    List<Path> files;
    try (Stream<Path> listing = Files.list(folder)) {
      files = listing.filter(path -> path.toString().endsWith(".class")).sorted().toList();
    }
    for (Path file : files) {
      String entry = classesRoot.relativize(file).toString().replace('\\', '/');
      out.putNextEntry(new JarEntry(entry));
      out.write(Files.readAllBytes(file));
      out.closeEntry();
    }
  }

  private static Path codeSource(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
