package dev.comfyagent.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfyagent.it.harness.PackagedJars;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/**
 * The packaged agent jar: only the entry class, its class loader and the bootstrap bridge are
 * loadable classes; everything else, relocated libraries included, is hidden under {@code inst/}:
 * class files in the class packs {@code inst/classes/*.pack}, each listed in its {@code .list}.
 */
class AgentJarLayoutIT {

  private static final String OWN = "dev/comfyagent/instrument/";
  private static final String PACKS = "inst/classes/";

  /** Every class file of every pack, by path. */
  private static Map<String, byte[]> packedClasses() throws IOException {
    Map<String, byte[]> all = new HashMap<>();
    try (JarFile jar = new JarFile(PackagedJars.agentJar().toFile())) {
      for (JarEntry entry : Collections.list(jar.entries())) {
        if (entry.getName().startsWith(PACKS) && entry.getName().endsWith(".pack")) {
          all.putAll(classesIn(jar, entry));
        }
      }
    }
    return all;
  }

  private static Map<String, byte[]> classesIn(JarFile jar, JarEntry pack) throws IOException {
    Map<String, byte[]> classes = new HashMap<>();
    try (ZipInputStream in = new ZipInputStream(jar.getInputStream(pack))) {
      for (ZipEntry file = in.getNextEntry(); file != null; file = in.getNextEntry()) {
        classes.put(file.getName(), in.readAllBytes());
      }
    }
    return classes;
  }

  @Test
  void noUnrelocatedThirdPartyClassIsInTheJar() throws IOException {
    List<String> misplaced = new ArrayList<>();
    Map<String, byte[]> packed = packedClasses();
    for (String name : packed.keySet()) {
      if (!name.startsWith(OWN)) {
        misplaced.add(name);
      }
    }
    try (JarFile jar = new JarFile(PackagedJars.agentJar().toFile())) {
      for (JarEntry entry : Collections.list(jar.entries())) {
        String name = entry.getName();
        if ((name.endsWith(".class") || name.endsWith(".classdata")) && !name.startsWith(OWN)) {
          misplaced.add(name);
        }
        if (name.startsWith("META-INF/versions/") || name.startsWith("inst/META-INF/versions/")) {
          misplaced.add(name);
        }
      }
    }
    assertThat(packed).containsKey(OWN + "weave/Weaver.class");
    assertThat(misplaced).isEmpty();
  }

  @Test
  void everyPackedClassIsListedInItsPackAndOnlyThere() throws IOException {
    Map<String, String> listedIn = new HashMap<>();
    List<String> unlisted = new ArrayList<>();
    try (JarFile jar = new JarFile(PackagedJars.agentJar().toFile())) {
      for (JarEntry entry : Collections.list(jar.entries())) {
        String name = entry.getName();
        if (name.startsWith(PACKS) && name.endsWith(".list")) {
          String pack = name.replace(".list", ".pack");
          for (String line :
              new String(jar.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8)
                  .split("\n")) {
            if (!line.isBlank()) {
              assertThat(listedIn.put(line.strip(), pack)).as(line).isNull();
            }
          }
        }
      }
      for (JarEntry entry : Collections.list(jar.entries())) {
        if (entry.getName().startsWith(PACKS) && entry.getName().endsWith(".pack")) {
          for (String packedClass : classesIn(jar, entry).keySet()) {
            if (!entry.getName().equals(listedIn.remove(packedClass))) {
              unlisted.add(entry.getName() + " " + packedClass);
            }
          }
        }
      }
    }
    assertThat(unlisted).as("classes in a pack its list does not name").isEmpty();
    assertThat(listedIn).as("listed classes that are in no pack").isEmpty();
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
                assertThat(name.startsWith(OWN + "bootstrap/") || name.startsWith(OWN + "entry/"))
                    .as(name)
                    .isTrue());
  }

  @Test
  void manifestDeclaresTheAgentEntryPoints() throws IOException {
    try (JarFile jar = new JarFile(PackagedJars.agentJar().toFile())) {
      Attributes main = jar.getManifest().getMainAttributes();
      assertThat(main.getValue("Premain-Class"))
          .isEqualTo("dev.comfyagent.instrument.entry.AgentEntry");
      assertThat(main.getValue("Agent-Class"))
          .isEqualTo("dev.comfyagent.instrument.entry.AgentEntry");
      assertThat(main.getValue("Can-Retransform-Classes")).isEqualTo("true");
      assertThat(main.getValue("Can-Redefine-Classes")).isEqualTo("true");
    }
  }

  @Test
  void byteBuddysPropertiesAreSetUnderTheirRelocatedNames() throws IOException {
    String constants =
        new String(packedClasses().get(OWN + "weave/Weaver.class"), StandardCharsets.ISO_8859_1);
    assertThat(constants)
        .contains("dev.comfyagent.instrument.shaded.net.bytebuddy.experimental")
        .doesNotContain("\u0000\u001anet.bytebuddy.experimental");
  }
}
