package dev.comfyagent.instrument;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfyagent.instrument.config.AgentConfig;
import dev.comfyagent.instrument.config.ConfigException;
import dev.comfyagent.instrument.hooks.gpu.GpuExtension;
import dev.comfyagent.instrument.hooks.probe.ProbeExtension;
import dev.comfyagent.instrument.hooks.stats.StatsToolExtension;
import dev.comfyagent.instrument.weave.InstanceCaptureWeave;
import dev.comfyagent.instrument.weave.RuntimeHostWatch;
import dev.comfyagent.instrument.weave.SdkServerFeaturesWeave;
import dev.comfyagent.instrument.weave.WeaveTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The hooks installed on a real (not started) agent, as the installer does. */
class HooksInstallTest {

  @TempDir Path dir;

  @Test
  void theInstallerFindsTheThreeHooksInOrder() {
    assertThat(ServiceLoader.load(AgentExtension.class, getClass().getClassLoader()).stream())
        .extracting(provider -> provider.type().getSimpleName())
        .containsExactly("ProbeExtension", "GpuExtension", "StatsToolExtension");
  }

  @Test
  void theHooksAddTheirWeavesAndTheirSectionsOfTheMetricsLine() throws Exception {
    Agent agent = agent("gpu=off,probe.tiles=com.acme.TileCache#size");
    install(agent);
    List<WeaveTarget> targets = agent.targets();
    assertThat(targets).hasAtLeastOneElementOfType(InstanceCaptureWeave.class);
    assertThat(targets).hasAtLeastOneElementOfType(SdkServerFeaturesWeave.class);
    assertThat(agent.stats().sections()).containsOnlyKeys("memory", "gpu");
    agent.stop();

    JsonNode line =
        new ObjectMapper().readTree(Files.readAllLines(dir.resolve("metrics.jsonl")).get(0));
    assertThat(line.path("gpu").path("mode").asText()).isEqualTo("off");
    assertThat(line.path("memory").path("heap_used_bytes").asLong()).isPositive();
    assertThat(line.path("memory").path("probes").path("tiles").path("skipped").asText())
        .contains("com.acme.TileCache is not on the application class path");
  }

  @Test
  void theSamplerIsStoppedWithTheAgent() throws Exception {
    Agent agent = agent("gpu=comfyui,gpu.comfyui.port=9,gpu.timeout=100ms");
    new GpuExtension().install(agent);
    assertThat(threadNamed("comfyagent-gpu-sampler")).isTrue();
    agent.abandon();
    for (int i = 0; i < 200 && threadNamed("comfyagent-gpu-sampler"); i++) {
      Thread.sleep(10);
    }
    assertThat(threadNamed("comfyagent-gpu-sampler")).isFalse();
  }

  @Test
  void byDefaultGpuSamplingWaitsForTheHostToBeAgentRuntime() throws Exception {
    RuntimeHostWatch watch = new RuntimeHostWatch();
    AgentConfig config =
        AgentConfig.resolve(
            "output.dir=" + dir + ",gpu.comfyui.port=9,gpu.timeout=100ms", Map.of(), Map.of());
    Agent agent = Agent.create(config, null, false, getClass().getClassLoader(), watch);
    String stderr = stderrOf(() -> install(agent));
    assertThat(threadNamed("comfyagent-gpu-sampler")).isFalse();
    assertThat(agent.stats().sections().get("gpu"))
        .isEqualTo(Map.of("mode", "auto", "source", "off"));
    assertThat(stderr).isEmpty();

    watch.classLoaded("dev/comfyagent/runtime/tool/Tool");

    assertThat(threadNamed("comfyagent-gpu-sampler")).isTrue();
    assertThat(agent.stats().sections().get("gpu")).containsKey("reads");
    agent.abandon();
  }

  @Test
  void gpuOnSamplesOnAnyHost() throws Exception {
    Agent agent = agent("gpu=on,gpu.comfyui.port=9,gpu.timeout=100ms");
    new GpuExtension().install(agent);
    assertThat(threadNamed("comfyagent-gpu-sampler")).isTrue();
    agent.abandon();
  }

  @Test
  void statsToolOffAddsNoToolToServers() throws Exception {
    Agent agent = agent("stats.tool=off");
    new StatsToolExtension().install(agent);
    assertThat(agent.targets()).noneMatch(SdkServerFeaturesWeave.class::isInstance);
    agent.abandon();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "probe.tiles=TileCache|option probe.tiles=TileCache: expected <class>#<method>",
        "gpu=cuda|gpu=cuda: expected one of auto, on, nvidia-smi, comfyui, off",
        "gpu.intervall=1s|unknown option gpu.intervall; GPU options are gpu, gpu.interval",
        "stats.tool=get agent stats|option stats.tool=get agent stats (the -javaagent arguments) is"
            + " not a tool name"
      })
  void aWrongHookOptionIsAWrongOptionNamingIt(String option, String message) throws Exception {
    Agent agent = agent(option);
    assertThatThrownBy(() -> install(agent))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(message);
    agent.abandon();
  }

  @Test
  void theVersionComesFromTheAgentJarsManifest() throws Exception {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, "9.8.7");
    Path jar = dir.resolve("agent.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
      out.flush();
    }
    assertThat(AgentInstaller.version(jar)).isEqualTo("9.8.7");
    assertThat(AgentInstaller.version(dir.resolve("missing.jar"))).isEqualTo("unknown");
    assertThat(AgentInstaller.version(null)).isEqualTo("unknown");
  }

  private Agent agent(String options) throws Exception {
    AgentConfig config =
        AgentConfig.resolve("output.dir=" + dir + "," + options, Map.of(), Map.of());
    return Agent.create(config, null, false, getClass().getClassLoader());
  }

  private static void install(Agent agent) throws Exception {
    new ProbeExtension().install(agent);
    new GpuExtension().install(agent);
    new StatsToolExtension().install(agent);
  }

  private static String stderrOf(ThrowingRunnable action) throws Exception {
    java.io.PrintStream original = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(original);
    }
    return captured.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  private static boolean threadNamed(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.isAlive() && t.getName().equals(name));
  }
}
