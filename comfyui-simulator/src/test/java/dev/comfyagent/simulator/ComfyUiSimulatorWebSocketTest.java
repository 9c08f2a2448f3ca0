package dev.comfyagent.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ComfyUiSimulatorWebSocketTest {

  private ComfyUiSimulator comfy;
  private SimulatorClient client;

  @BeforeEach
  void start() {
    comfy = ComfyUiSimulator.builder().port(0).stepDelay(Duration.ofMillis(1)).start();
    client = new SimulatorClient(comfy);
  }

  @AfterEach
  void stop() {
    comfy.close();
  }

  private static boolean isDone(JsonNode message, String promptId) {
    return message.path("type").asText().equals("executing")
        && message.at("/data/node").isNull()
        && message.at("/data/prompt_id").asText().equals(promptId);
  }

  @Test
  void greetsANewSocketWithStatusAndItsSid() throws Exception {
    SimulatorClient.Socket socket = client.connect("artist-1");

    JsonNode status = socket.messages.get(0);
    assertThat(status.at("/type").asText()).isEqualTo("status");
    assertThat(status.at("/data/sid").asText()).isEqualTo("artist-1");
    assertThat(status.at("/data/status/exec_info/queue_remaining").asInt()).isZero();
    assertThat(comfy.isWebSocketConnected("artist-1")).isTrue();
  }

  @Test
  void sendsComfyUisMessageSequenceForARun() throws Exception {
    SimulatorClient.Socket socket = client.connect("artist-1");
    String promptId =
        client
            .postPrompt(SimulatorClient.resource("txt2img.json"), "artist-1")
            .json()
            .get("prompt_id")
            .asText();

    socket.awaitMessage(m -> isDone(m, promptId));

    List<JsonNode> run =
        socket.messages.stream()
            .filter(m -> m.at("/data/prompt_id").asText().equals(promptId))
            .toList();
    List<String> types = run.stream().map(m -> m.get("type").asText()).toList();
    assertThat(types.get(0)).isEqualTo("execution_start");
    assertThat(types.get(1)).isEqualTo("execution_cached");
    assertThat(types).containsSubsequence("executing", "progress", "executed", "execution_success");
    assertThat(types.get(types.size() - 1)).isEqualTo("executing");
    List<String> executingNodes =
        run.stream()
            .filter(m -> m.get("type").asText().equals("executing"))
            .map(m -> m.at("/data/node").asText(null))
            .toList();
    assertThat(executingNodes).containsSubsequence("4", "3", "8", "9");
    assertThat(executingNodes.indexOf("5")).isLessThan(executingNodes.indexOf("3"));
    List<Integer> steps =
        run.stream()
            .filter(m -> m.get("type").asText().equals("progress"))
            .map(m -> m.at("/data/value").asInt())
            .toList();
    assertThat(steps).containsExactly(1, 2, 3, 4, 5, 6);
    JsonNode progress =
        run.stream().filter(m -> m.get("type").asText().equals("progress")).findFirst().get();
    assertThat(progress.at("/data/max").asInt()).isEqualTo(6);
    assertThat(progress.at("/data/node").asText()).isEqualTo("3");
    JsonNode executed =
        run.stream().filter(m -> m.get("type").asText().equals("executed")).findFirst().get();
    assertThat(executed.at("/data/node").asText()).isEqualTo("9");
    assertThat(executed.at("/data/output/images/0/type").asText()).isEqualTo("output");
    ByteBuffer preview = socket.binaryFrames.get(0);
    assertThat(preview.getInt(0)).isEqualTo(EventChannel.PREVIEW_IMAGE);
    assertThat(preview.getInt(4)).isEqualTo(EventChannel.PNG);
  }

  @Test
  void reportsCachedNodesAndResendsCachedOutputsWhenAPromptRunsAgain() throws Exception {
    SimulatorClient.Socket socket = client.connect("artist-1");
    ObjectNode prompt = SimulatorClient.resource("txt2img.json");
    String first = client.postPrompt(prompt, "artist-1").json().get("prompt_id").asText();
    socket.awaitMessage(m -> isDone(m, first));

    String second = client.postPrompt(prompt, "artist-1").json().get("prompt_id").asText();
    socket.awaitMessage(m -> isDone(m, second));

    JsonNode cached =
        socket.awaitMessage(
            m ->
                m.get("type").asText().equals("execution_cached")
                    && m.at("/data/prompt_id").asText().equals(second));
    assertThat(cached.at("/data/nodes").size()).isEqualTo(7);
    JsonNode executed =
        socket.awaitMessage(
            m ->
                m.get("type").asText().equals("executed")
                    && m.at("/data/prompt_id").asText().equals(second));
    assertThat(executed.at("/data/output/images/0/filename").asText())
        .isEqualTo("ComfyUI_00001_.png");
    assertThat(client.awaitHistory(second).at("/outputs/9/images/0/filename").asText())
        .isEqualTo("ComfyUI_00001_.png");
  }

  @Test
  void failsAtTheChosenNodeWithComfyUisExecutionError() throws Exception {
    SimulatorClient.Socket socket = client.connect("artist-1");
    comfy.failAtNode("KSampler", "torch.OutOfMemoryError", "Allocation on device");
    String promptId =
        client
            .postPrompt(SimulatorClient.resource("txt2img.json"), "artist-1")
            .json()
            .get("prompt_id")
            .asText();

    JsonNode error = socket.awaitMessage(m -> m.get("type").asText().equals("execution_error"));
    socket.awaitMessage(m -> isDone(m, promptId));

    assertThat(error.get("data").fieldNames())
        .toIterable()
        .contains(
            "prompt_id",
            "node_id",
            "node_type",
            "executed",
            "exception_message",
            "exception_type",
            "traceback",
            "current_inputs",
            "current_outputs");
    assertThat(error.at("/data/node_id").asText()).isEqualTo("3");
    assertThat(error.at("/data/node_type").asText()).isEqualTo("KSampler");
    assertThat(error.at("/data/exception_type").asText()).isEqualTo("torch.OutOfMemoryError");
    assertThat(error.at("/data/current_inputs/steps/0").asInt()).isEqualTo(6);
    JsonNode entry = client.awaitHistory(promptId);
    assertThat(entry.at("/status/status_str").asText()).isEqualTo("error");
    assertThat(entry.at("/status/messages").toString()).contains("Allocation on device");
  }

  @Test
  void dropsTheSocketMidRunAndStillFinishesThePrompt() throws Exception {
    SimulatorClient.Socket socket = client.connect("artist-1");
    comfy.dropWebSocketInNextRun();

    String promptId =
        client
            .postPrompt(SimulatorClient.resource("txt2img.json"), "artist-1")
            .json()
            .get("prompt_id")
            .asText();

    try {
      assertThat(socket.closed.get(10, TimeUnit.SECONDS)).isNotEmpty();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError(
          "not closed; got "
              + socket.types()
              + " connected="
              + comfy.isWebSocketConnected("artist-1"));
    }
    assertThat(socket.types()).doesNotContain("execution_success");
    assertThat(client.awaitHistory(promptId).at("/status/status_str").asText())
        .isEqualTo("success");
  }

  @Test
  void aReconnectingClientIsToldTheNodeRunningNow() throws Exception {
    comfy.pauseExecution();
    SimulatorClient.Socket first = client.connect("artist-1");
    String promptId =
        client
            .postPrompt(SimulatorClient.resource("txt2img.json"), "artist-1")
            .json()
            .get("prompt_id")
            .asText();
    first.awaitMessage(m -> m.get("type").asText().equals("executing"));

    SimulatorClient.Socket second = client.connect("artist-1");

    JsonNode executing = second.awaitMessage(m -> m.get("type").asText().equals("executing"));
    assertThat(executing.at("/data/node").asText()).isNotEmpty();
    comfy.resumeExecution();
    second.awaitMessage(m -> isDone(m, promptId));
  }

  @Test
  void goingDownCutsOpenSockets() throws Exception {
    SimulatorClient.Socket socket = client.connect("artist-1");

    comfy.goDown();

    assertThat(socket.closed.get(10, TimeUnit.SECONDS)).isNotEmpty();
    comfy.comeBackUp();
    assertThat(client.connect("artist-2").messages).isNotEmpty();
  }
}
