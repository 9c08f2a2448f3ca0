package dev.comfyagent.instrument.entry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartupClassListTest {

  @TempDir Path dir;

  @Test
  void keepsTheClassesLoggedWithTheAgentJarAsTheirSourceInLoadOrderOnceEach() {
    Path jar = dir.resolve("with space").resolve("agent.jar");
    String url = jar.toUri().toString().replace("file:///", "file:/");
    List<String> log =
        List.of(
            "[0.010s][info][class,load] java.lang.Object source: shared objects file",
            "[0.150s][info][class,load] dev.comfyagent.instrument.entry.AgentEntry source: " + jar,
            "[0.160s][info][class,load] dev.comfyagent.instrument.AgentInstaller source: " + url,
            "[0.170s][info][class,load] a.b.Outer$Inner source: " + url,
            "[0.180s][info][class,load] a.b.Other source: file:/elsewhere/agent.jar",
            "[0.190s][info][class,load] java.net.http.HttpClient source: jrt:/java.net.http",
            "[0.200s][info][class,load] dev.comfyagent.instrument.AgentInstaller source: " + url);

    assertThat(url).contains("%20");
    assertThat(StartupClassList.agentClassFiles(log, jar))
        .containsExactly(
            "dev/comfyagent/instrument/entry/AgentEntry.class",
            "dev/comfyagent/instrument/AgentInstaller.class",
            "a/b/Outer$Inner.class");
  }

  @Test
  void theHostsClassPathLeavesOutTheFoldersHoldingTheAgentsClasses() throws Exception {
    Path agentClasses = dir.resolve("agent-classes");
    java.nio.file.Files.createDirectories(agentClasses.resolve("dev/comfyagent/instrument"));
    Path runtimeClasses = dir.resolve("runtime-classes");
    java.nio.file.Files.createDirectories(runtimeClasses.resolve("dev/comfyagent/runtime"));
    String sep = java.io.File.pathSeparator;

    assertThat(
            StartupClassList.hostClassPath(
                agentClasses + sep + runtimeClasses + sep + dir.resolve("lib.jar")))
        .isEqualTo(runtimeClasses + sep + dir.resolve("lib.jar"));
  }
}
