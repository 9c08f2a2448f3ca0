package dev.comfyagent.instrument;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfyagent.instrument.bootstrap.AgentBridge;
import dev.comfyagent.instrument.config.AgentConfig;
import dev.comfyagent.instrument.emit.MetricsSection;
import dev.comfyagent.instrument.record.ToolCallHook;
import dev.comfyagent.instrument.record.ToolCallView;
import dev.comfyagent.instrument.weave.RuntimeToolWeave;
import dev.comfyagent.instrument.weave.StartTrigger;
import dev.comfyagent.runtime.tool.ToolResult;
import dev.comfyagent.weavefixtures.FixtureTool;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentLifecycleTest {

  @TempDir Path dir;

  @Test
  void aStartedAgentCountsCallsUntilStoppedAndWritesThemWithItsSectionsInTheFinalLine()
      throws Exception {
    AgentConfig config =
        AgentConfig.resolve(
            "output.dir=" + dir + ",tools=a.B#c,metrics.interval=1h", Map.of(), Map.of());
    Agent agent = Agent.create(config, null, false, getClass().getClassLoader());
    agent.addMetricsSection(
        new MetricsSection() {
          @Override
          public String name() {
            return "gpu";
          }

          @Override
          public Map<String, ?> figures(boolean lineEnds) {
            return Map.of("source", "nvidia-smi", "util", List.of(98, 1.5), "ok", true);
          }
        });
    agent.addMetricsSection(
        new MetricsSection() {
          @Override
          public String name() {
            return "broken";
          }

          @Override
          public Map<String, ?> figures(boolean lineEnds) {
            throw new IllegalStateException("section failed");
          }
        });
    List<String> hookSaw = new CopyOnWriteArrayList<>();
    agent.addToolCallHook(
        new ToolCallHook() {
          @Override
          public Object finished(ToolCallView call, Object result, Throwable thrown) {
            hookSaw.add(call.toolName());
            return result;
          }
        });
    RuntimeToolWeave extension = new RuntimeToolWeave();
    agent.addWeaveTarget(extension);
    assertThat(agent.targets())
        .as("the options' targets first, the extensions' last")
        .anySatisfy(t -> assertThat(t.name()).isEqualTo("tools=a.B#c"))
        .last()
        .isSameAs(extension);

    assertThat(agent.start()).as("the weaving transformer").isNotNull();
    FixtureTool ping = new FixtureTool("ping");
    try {
      call(ping, ToolResult.text("ok"));
      call(ping, ToolResult.error("no"));
      assertThat(agent.stats().tools())
          .singleElement()
          .satisfies(
              figures -> {
                assertThat(figures.tool()).isEqualTo("ping");
                assertThat(figures.calls()).isEqualTo(2);
                assertThat(figures.err()).isEqualTo(1);
              });
      assertThat(hookSaw).containsExactly("ping", "ping");
    } finally {
      agent.stop();
    }
    assertThat(AgentBridge.installed()).as("stopping gives the bridge back").isFalse();
    call(ping, ToolResult.text("after the final line"));
    assertThat(hookSaw).hasSize(2);

    List<String> lines = Files.readAllLines(dir.resolve("metrics.jsonl"));
    assertThat(lines).hasSize(1);
    JsonNode line = new ObjectMapper().readTree(lines.get(0));
    assertThat(line.path("type").asText()).isEqualTo("final");
    assertThat(line.path("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
    assertThat(line.path("interval").path("tools").path("ping").path("calls").asLong())
        .isEqualTo(2);
    assertThat(line.path("gpu").path("util").get(0).asInt()).isEqualTo(98);
    assertThat(line.has("broken")).isFalse();
    assertThat(agent.health().internalErrors()).as("the failed section is counted").isEqualTo(1);
    assertThat(Files.readAllLines(dir.resolve("traces.jsonl")))
        .hasSize(2)
        .allSatisfy(trace -> assertThat(trace).contains("\"tool_name\":\"ping\""));
  }

  /** One tool call as the woven advice makes it, through the bootstrap bridge. */
  private static void call(FixtureTool tool, ToolResult result) {
    Object frame =
        AgentBridge.enterToolCall(
            AgentBridge.LAYER_TOOL,
            tool,
            FixtureTool.class,
            "call(LObjectNode;LToolContext;)",
            null);
    AgentBridge.exitToolCall(frame, result, null);
  }

  @Test
  void wrongOptionIsReportedOnOneStderrLineAndNothingIsInstalled() {
    String stderr =
        stderrOf(() -> AgentInstaller.install("trce=off", null, false, Path.of("agent.jar")));
    assertThat(stderr.lines())
        .singleElement()
        .asString()
        .startsWith("comfy-agent: unknown option 'trce'")
        .endsWith("the application runs without the agent (strict=true stops it instead)");
  }

  @Test
  void strictModeThrowsToStopTheJvmsStart() {
    assertThatThrownBy(
            () ->
                AgentInstaller.install("strict=on,trace=maybe", null, false, Path.of("agent.jar")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("comfy-agent: option trace=maybe");
  }

  @Test
  void premainOnlyRegistersTheTriggerAndCreatesNothing() throws Exception {
    List<ClassFileTransformer> registered = new ArrayList<>();
    String stderr =
        stderrOf(
            () ->
                AgentInstaller.install(
                    "output.dir=" + dir.resolve("logs"),
                    instrumentation(registered),
                    false,
                    Path.of("a.jar")));
    assertThat(stderr).isEmpty();
    assertThat(registered).singleElement().isInstanceOf(StartTrigger.class);
    assertThat(dir.resolve("logs")).doesNotExist();
    assertThat(registered.get(0).transform(null, null, "com/acme/Hello", null, null, new byte[0]))
        .isNull();
    assertThat(dir.resolve("logs")).doesNotExist();
  }

  @Test
  void anUnwritableOutputDirectoryKeepsTheAgentOutWhenItStarts() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
    List<ClassFileTransformer> registered = new ArrayList<>();
    Path jar = dir.resolve("a.jar");
    new java.util.jar.JarOutputStream(Files.newOutputStream(jar)).close();
    AgentInstaller.install(
        "output.dir=" + file.resolve("logs"), instrumentation(registered), false, jar);
    String stderr =
        stderrOf(
            () -> {
              try {
                registered
                    .get(0)
                    .transform(
                        null,
                        null,
                        "io/modelcontextprotocol/server/McpServer",
                        null,
                        null,
                        new byte[0]);
              } catch (IllegalClassFormatException e) {
                throw new AssertionError(e);
              }
            });
    assertThat(stderr)
        .startsWith("comfy-agent: cannot write to output.dir")
        .contains("the application runs without the agent");
  }

  /** An Instrumentation that records transformers and accepts the jar on the boot class path. */
  private static Instrumentation instrumentation(List<ClassFileTransformer> registered) {
    return (Instrumentation)
        Proxy.newProxyInstance(
            AgentLifecycleTest.class.getClassLoader(),
            new Class<?>[] {Instrumentation.class},
            (proxy, method, args) -> {
              switch (method.getName()) {
                case "addTransformer" -> registered.add((ClassFileTransformer) args[0]);
                case "getAllLoadedClasses" -> {
                  return new Class<?>[0];
                }
                case "isRetransformClassesSupported" -> {
                  return true;
                }
                default -> {
                  // appendToBootstrapClassLoaderSearch: the bridge is on the test class path
                }
              }
              return method.getReturnType() == boolean.class ? Boolean.FALSE : null;
            });
  }

  private static String stderrOf(Runnable action) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
