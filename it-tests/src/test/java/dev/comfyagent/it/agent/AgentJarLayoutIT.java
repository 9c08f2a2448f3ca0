package dev.comfyagent.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfyagent.it.harness.PackagedJars;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The packaged agent jar: only the entry class, its class loader and the bootstrap bridge are
 * loadable classes; everything else, relocated libraries included, is hidden under {@code inst/}.
 */
class AgentJarLayoutIT {

  private static final String OWN = "dev/comfyagent/instrument/";

  @Test
  void noUnrelocatedThirdPartyClassIsInTheJar() throws IOException {
    List<String> misplaced = new ArrayList<>();
    try (JarFile jar = new JarFile(PackagedJars.agentJar().toFile())) {
      for (JarEntry entry : Collections.list(jar.entries())) {
        String name = entry.getName();
        boolean classFile = name.endsWith(".class") || name.endsWith(".classdata");
        if (classFile) {
          String path = name.startsWith("inst/") ? name.substring("inst/".length()) : name;
          if (!path.startsWith(OWN)) {
            misplaced.add(name);
          }
        }
        if (name.startsWith("META-INF/versions/") || name.startsWith("inst/META-INF/versions/")) {
          misplaced.add(name);
        }
      }
    }
    assertThat(misplaced).isEmpty();
  }

  @Test
  void onlyTheEntryAndTheBridgeAreVisibleToOtherClassLoaders() throws IOException {
    List<String> visible = new ArrayList<>();
    try (JarFile jar = new JarFile(PackagedJars.agentJar().toFile())) {
      for (JarEntry entry : Collections.list(jar.entries())) {
        if (entry.getName().endsWith(".class")) {
          visible.add(entry.getName());
        }
      }
    }
    assertThat(visible)
        .isNotEmpty()
        .allSatisfy(
            name ->
                assertThat(
                        name.startsWith(OWN + "bootstrap/")
                            || name.startsWith(OWN + "AgentEntry")
                            || name.startsWith(OWN + "AgentClassLoader"))
                    .as(name)
                    .isTrue());
  }

  @Test
  void manifestDeclaresTheAgentEntryPoints() throws IOException {
    try (JarFile jar = new JarFile(PackagedJars.agentJar().toFile())) {
      Attributes main = jar.getManifest().getMainAttributes();
      assertThat(main.getValue("Premain-Class")).isEqualTo("dev.comfyagent.instrument.AgentEntry");
      assertThat(main.getValue("Agent-Class")).isEqualTo("dev.comfyagent.instrument.AgentEntry");
      assertThat(main.getValue("Can-Retransform-Classes")).isEqualTo("true");
      assertThat(main.getValue("Can-Redefine-Classes")).isEqualTo("true");
    }
  }

  @Test
  void byteBuddysPropertiesAreSetUnderTheirRelocatedNames() throws IOException {
    try (JarFile jar = new JarFile(PackagedJars.agentJar().toFile())) {
      JarEntry weaver = jar.getJarEntry("inst/dev/comfyagent/instrument/weave/Weaver.classdata");
      String constants =
          new String(jar.getInputStream(weaver).readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(constants)
          .contains("dev.comfyagent.instrument.shaded.net.bytebuddy.experimental")
          .doesNotContain("\u0000\u001anet.bytebuddy.experimental");
    }
  }
}
