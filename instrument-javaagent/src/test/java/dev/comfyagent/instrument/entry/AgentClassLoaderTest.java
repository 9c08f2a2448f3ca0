package dev.comfyagent.instrument.entry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.comfyagent.instrument.HiddenFixture;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentClassLoaderTest {

  @TempDir Path dir;

  @Test
  void loadsClassesAndResourcesHiddenUnderInstAndNothingElse() throws Exception {
    Path jar = dir.resolve("agent.jar");
    String hidden = "dev/comfyagent/instrument/HiddenFixture";
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file)) {
      out.putNextEntry(new JarEntry("inst/" + hidden + ".classdata"));
      try (InputStream bytes = getClass().getResourceAsStream("/" + hidden + ".class")) {
        bytes.transferTo(out);
      }
      out.putNextEntry(new JarEntry("inst/META-INF/services/x.Y"));
      out.write("a.B\n".getBytes());
      out.putNextEntry(new JarEntry("dev/comfyagent/instrument/Visible.class"));
      out.write(new byte[] {1});
    }
    try (var loader =
        new Closeable(new AgentClassLoader(jar, ClassLoader.getPlatformClassLoader()))) {
      Class<?> loaded = loader.get().loadClass(hidden.replace('/', '.'));
      assertThat(loaded.getClassLoader()).isSameAs(loader.get());
      assertThat(loaded).isNotSameAs(HiddenFixture.class);
      assertThat(loaded.getPackage().getName()).isEqualTo("dev.comfyagent.instrument");
      try (InputStream classFile = loader.get().getResourceAsStream(hidden + ".class")) {
        assertThat(classFile).isNotNull();
      }
      URL services = loader.get().getResource("META-INF/services/x.Y");
      assertThat(services).isNotNull();
      try (InputStream in = services.openStream()) {
        assertThat(new String(in.readAllBytes())).isEqualTo("a.B\n");
      }
      assertThat(Collections.list(loader.get().getResources("META-INF/services/x.Y"))).hasSize(1);
      assertThat(loader.get().getResource("missing.txt")).isNull();
      assertThat(loader.get().getResourceAsStream("missing.txt")).isNull();
      assertThatThrownBy(() -> loader.get().loadClass("dev.comfyagent.instrument.Visible"))
          .isInstanceOf(ClassNotFoundException.class);
    }
    assertThat(AgentClassLoader.entryName("/a/B.class")).isEqualTo("inst/a/B.classdata");
  }

  @Test
  void loadsClassesFromPacksAndServesTheirClassFilesAsStreamsOnly() throws Exception {
    Path jar = dir.resolve("packed.jar");
    String hidden = "dev/comfyagent/instrument/HiddenFixture";
    ByteArrayOutputStream pack = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(pack)) {
      zip.putNextEntry(new ZipEntry(hidden + ".class"));
      try (InputStream bytes = getClass().getResourceAsStream("/" + hidden + ".class")) {
        bytes.transferTo(zip);
      }
    }
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file)) {
      out.putNextEntry(new JarEntry("inst/classes/agent.pack"));
      out.write(pack.toByteArray());
      out.putNextEntry(new JarEntry("inst/classes/agent.list"));
      out.write((hidden + ".class\r\n\n").getBytes(StandardCharsets.UTF_8));
      out.putNextEntry(new JarEntry("inst/classes/broken.list"));
      out.write("dev/comfyagent/instrument/Broken.class\n".getBytes(StandardCharsets.UTF_8));
    }
    var loader = new AgentClassLoader(jar, ClassLoader.getPlatformClassLoader());
    Class<?> loaded = loader.loadClass(hidden.replace('/', '.'));
    assertThat(loaded.getClassLoader()).isSameAs(loader);
    loader.releaseHeldPacks();
    System.gc(); // a pack held weakly may be gone now, and is read again
    try (InputStream classFile = loader.getResourceAsStream("/" + hidden + ".class")) {
      assertThat(classFile.readAllBytes()).startsWith(0xCA, 0xFE, 0xBA, 0xBE);
    }
    assertThat(loader.getResource(hidden + ".class")).as("no URL for a class in a pack").isNull();
    assertThat(loader.getResourceAsStream("dev/comfyagent/instrument/Missing.class")).isNull();
    assertThatThrownBy(() -> loader.loadClass("dev.comfyagent.instrument.Broken"))
        .isInstanceOf(ClassNotFoundException.class)
        .hasRootCauseMessage("the agent jar lacks inst/classes/broken.pack");
  }

  @Test
  void aMissingJarIsNamed() {
    assertThatThrownBy(() -> new AgentClassLoader(dir.resolve("none.jar"), null))
        .hasMessageContaining("none.jar");
  }

  private record Closeable(AgentClassLoader get) implements AutoCloseable {
    @Override
    public void close() {}
  }
}
