package dev.comfyagent.runtime.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.comfy.ComfyUiSettings;
import dev.comfyagent.runtime.comfy.HttpComfyUiClient;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolResult;
import dev.comfyagent.simulator.ComfyUiSimulator;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StatusToolsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ComfyUiSimulator comfy;
  private Map<String, Tool> tools;

  @BeforeEach
  void start() throws Exception {
    comfy = ComfyUiSimulator.builder().port(0).start();
    HttpComfyUiClient client =
        new HttpComfyUiClient(
            new ComfyUiSettings(
                "127.0.0.1",
                comfy.port(),
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                3,
                Duration.ofMillis(300),
                200));
    tools =
        StatusTools.create(client, PromptOrigins.NONE).stream()
            .collect(Collectors.toMap(Tool::name, t -> t));
  }

  @AfterEach
  void stop() {
    comfy.close();
  }

  @Test
  void offersThreeReadOnlyTools() {
    assertThat(tools.keySet())
        .containsExactlyInAnyOrder("get_queue_status", "get_system_stats", "is_comfyui_running");
    assertThat(tools.values()).allMatch(Tool::readOnly);
  }

  @Test
  void systemStatsReadLikeAMachineDescription() throws Exception {
    ToolResult result = call("get_system_stats", "{}");

    assertThat(result.text())
        .startsWith("ComfyUI 0.3.66 at 127.0.0.1:" + comfy.port())
        .contains("GPU 0: NVIDIA GeForce RTX 4090 (cuda), VRAM 1.2 of 23.6 GB used")
        .contains("RAM ")
        .contains("simulator");
    assertThat(result.structuredContent().has("devices")).isTrue();
  }

  @Test
  void isComfyUiRunningAnswersYesOrWhyNotAndNeverFails() throws Exception {
    assertThat(call("is_comfyui_running", "{}").text())
        .startsWith("Yes: ComfyUI 0.3.66 is running at 127.0.0.1:" + comfy.port())
        .contains("NVIDIA GeForce RTX 4090")
        .endsWith("circuit breaker CLOSED.");

    comfy.goDown();
    ToolResult down = call("is_comfyui_running", "{}");

    assertThat(down.isError()).isFalse();
    assertThat(down.text())
        .startsWith(
            "No: ComfyUI at 127.0.0.1:" + comfy.port() + " is not reachable (connection refused)");
    assertThat(down.structuredContent().get("running").asBoolean()).isFalse();
    assertThat(down.structuredContent().get("breaker_state").asText()).isEqualTo("CLOSED");
  }

  @Test
  void isComfyUiRunningSaysRefusedWhileDownEvenWhenAnotherServerWantsThePort() throws Exception {
    assumeTrue(comfy.holdsPortWhileDown(), "the simulator holds its port while down");
    comfy.goDown();

    // Another process's server that happens to be given the freed port and never answers (a
    // parallel build's, say) would turn "connection refused" into a wait for the request timeout.
    try (ServerSocket squatter = new ServerSocket()) {
      assertThatThrownBy(() -> squatter.bind(new InetSocketAddress("127.0.0.1", comfy.port()), 50))
          .isInstanceOf(BindException.class);
    }
    ToolResult down = call("is_comfyui_running", "{}");

    assertThat(down.text())
        .startsWith(
            "No: ComfyUI at 127.0.0.1:" + comfy.port() + " is not reachable (connection refused)");
  }

  private ToolResult call(String tool, String arguments) throws Exception {
    return tools.get(tool).call((ObjectNode) JSON.readTree(arguments), ToolContext.detached("c"));
  }
}
