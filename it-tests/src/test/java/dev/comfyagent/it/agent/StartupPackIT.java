package dev.comfyagent.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfyagent.it.harness.PackagedJars;
import dev.comfyagent.it.harness.RuntimeServer;
import dev.comfyagent.simulator.ComfyUiSimulator;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The packaged agent's start-up class pack, which the build fills with the classes it measured the
 * agent loading while agent-runtime starts: on this JDK the packaged runtime under the packaged
 * agent loads every agent class it needs up to its first {@code tools/list} answer from that pack,
 * so the start inflates and holds no other pack. A class the start needs outside the pack (a list
 * measured on another JDK, a start path the build's run did not take) fails this test.
 */
class StartupPackIT {

  private static final String PACKS = "inst/classes/";
  private static final String STARTUP_LIST = PACKS + "startup.list";
  private static final String SOURCE = " source: ";

  @Test
  void theRuntimesStartLoadsTheAgentsClassesFromTheStartupPackOnly() throws Exception {
    Set<String> startup = new HashSet<>(listed(PackagedJars.agentJar(), STARTUP_LIST));
    assertThat(startup)
        .as("the startup pack holds the agent's start")
        .contains(
            "dev/comfyagent/instrument/AgentInstaller.class",
            "dev/comfyagent/instrument/weave/Weaver.class");

    List<String> loaded =
        agentClassesLoadedUpToFirstToolsList(
            "startup-pack",
            (runtime, classLog) -> assertThat(runtime.toolNames()).contains("get_agent_stats"));

    // Only a class that another pack holds was read from it: a class Byte Buddy generates at run
    // time (its Invoker$Dispatcher) is defined with the agent jar as its source but is in no pack.
    Set<String> inOtherPacks = otherPacksClasses(PackagedJars.agentJar());
    List<String> outside = new ArrayList<>();
    for (String classFile : loaded) {
      if (inOtherPacks.contains(classFile)) {
        outside.add(classFile);
      }
    }
    // About 380 with the weave cache serving the runtime's classes, over 1,000 without it.
    assertThat(loaded).as("agent classes loaded").hasSizeGreaterThan(200);
    assertThat(outside).as("agent classes the start loaded from other packs").isEmpty();
  }

  /**
   * The weave cache the build recorded serves every class agent-runtime weaves at its start and at
   * its first calls: up to then no class of Byte Buddy's type pool, advice or class writer loads,
   * and the classes it served are woven all the same (the statistics tool is there, a call is
   * counted).
   */
  @Test
  void theRuntimesStartAndFirstCallsAreWovenFromTheWeaveCacheWithoutByteBuddysWeavingMachinery()
      throws Exception {
    List<List<String>> afterCalls = new ArrayList<>();
    List<String> atStart =
        agentClassesLoadedUpToFirstToolsList(
            "weave-cache",
            (runtime, classLog) -> {
              assertThat(runtime.toolNames()).contains("get_agent_stats");
              assertThat(runtime.call("list_sessions", Map.of()).isError()).isFalse();
              String stats = RuntimeServer.text(runtime.call("get_agent_stats", Map.of()));
              assertThat(stats).contains("list_sessions");
              afterCalls.add(agentClassFiles(Files.readAllLines(classLog, StandardCharsets.UTF_8)));
            });
    assertThat(atStart).contains("dev/comfyagent/instrument/weave/WeaveCache.class");
    assertThat(weavingMachinery(atStart)).as("Byte Buddy's weaving classes at start").isEmpty();
    assertThat(weavingMachinery(afterCalls.get(0)))
        .as("Byte Buddy's weaving classes after the first calls")
        .isEmpty();
  }

  private static List<String> weavingMachinery(List<String> loaded) {
    String byteBuddy = "dev/comfyagent/instrument/shaded/net/bytebuddy/";
    List<String> weavingMachinery = new ArrayList<>();
    for (String classFile : loaded) {
      if (classFile.startsWith(byteBuddy + "asm/Advice")
          || classFile.startsWith(byteBuddy + "pool/TypePool")
          || classFile.startsWith(byteBuddy + "dynamic/scaffold/TypeWriter")) {
        weavingMachinery.add(classFile);
      }
    }
    return weavingMachinery;
  }

  /**
   * Starts the packaged runtime under the packaged agent with {@code -Xlog:class+load}, and returns
   * the agent classes it loaded up to its first {@code tools/list} answer (read then, while it
   * runs); {@code whileRunning} gets the runtime and its class-load log after that.
   */
  private static List<String> agentClassesLoadedUpToFirstToolsList(
      String name, WhileRunning whileRunning) throws Exception {
    Path dir = PackagedJars.workDir(name);
    Path classLog = dir.resolve("classes.log");
    ComfyUiSimulator comfy = ComfyUiSimulator.builder().port(0).start();
    try (RuntimeServer runtime =
        RuntimeServer.with(dir.resolve("runtime"), comfy)
            .agent("output.dir=" + dir.resolve("logs"))
            .jvmArg("-Xlog:class+load=info:file=" + classLog)
            .start()) {
      runtime.toolNames(); // the first tools/list
      List<String> loaded = agentClassFiles(Files.readAllLines(classLog, StandardCharsets.UTF_8));
      whileRunning.accept(runtime, classLog);
      return loaded;
    } finally {
      comfy.close();
    }
  }

  /** What a test does with the runtime once it answered its first {@code tools/list}. */
  @FunctionalInterface
  private interface WhileRunning {
    void accept(RuntimeServer runtime, Path classLog) throws Exception;
  }

  /** The class files whose {@code -Xlog:class+load} source is the packaged agent jar. */
  private static List<String> agentClassFiles(List<String> lines) {
    Path jar = PackagedJars.agentJar();
    List<String> classFiles = new ArrayList<>();
    for (String line : lines) {
      if (loadedFrom(line, jar)) {
        int start = line.indexOf("] ", line.indexOf("class,load")) + 2;
        classFiles.add(
            line.substring(start, line.indexOf(' ', start)).replace('.', '/') + ".class");
      }
    }
    return classFiles;
  }

  /**
   * Whether an {@code -Xlog:class+load} line names {@code jar} as its source: HotSpot writes the
   * agent class loader's code source as a URL ({@code file:/x/agent.jar}, {@code
   * file:/C:/x/agent.jar}) and the system class loader's as a path.
   */
  static boolean loadedFrom(String line, Path jar) {
    int at = line.indexOf(SOURCE);
    if (at < 0 || !line.endsWith(jar.getFileName().toString())) {
      return false;
    }
    String source = line.substring(at + SOURCE.length()).strip();
    try {
      Path path = source.startsWith("file:") ? Path.of(URI.create(source)) : Path.of(source);
      return path.toAbsolutePath().normalize().equals(jar.toAbsolutePath().normalize());
    } catch (IllegalArgumentException | FileSystemNotFoundException e) {
      return false; // InvalidPathException is an IllegalArgumentException
    }
  }

  /** The classes listed by every pack but the startup pack. */
  private static Set<String> otherPacksClasses(Path jarPath) throws Exception {
    Set<String> classes = new HashSet<>();
    try (JarFile jar = new JarFile(jarPath.toFile())) {
      for (JarEntry entry : Collections.list(jar.entries())) {
        String name = entry.getName();
        if (name.startsWith(PACKS) && name.endsWith(".list") && !name.equals(STARTUP_LIST)) {
          classes.addAll(listed(jarPath, name));
        }
      }
    }
    assertThat(classes).as("the other packs").hasSizeGreaterThan(1000);
    return classes;
  }

  private static List<String> listed(Path jarPath, String entry) throws Exception {
    try (JarFile jar = new JarFile(jarPath.toFile())) {
      List<String> lines = new ArrayList<>();
      for (String line :
          new String(jar.getInputStream(jar.getEntry(entry)).readAllBytes(), StandardCharsets.UTF_8)
              .split("\n")) {
        if (!line.isBlank()) {
          lines.add(line.strip());
        }
      }
      return lines;
    }
  }
}
