package dev.comfyagent.instrument;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
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
  void aMissingJarIsNamed() {
    assertThatThrownBy(() -> new AgentClassLoader(dir.resolve("none.jar"), null))
        .hasMessageContaining("none.jar");
  }

  private record Closeable(AgentClassLoader get) implements AutoCloseable {
    @Override
    public void close() {}
  }
}
