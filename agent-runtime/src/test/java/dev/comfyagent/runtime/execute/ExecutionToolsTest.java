package dev.comfyagent.runtime.execute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.comfy.ComfyUiSettings;
import dev.comfyagent.runtime.comfy.ComfyUiUnavailableException;
import dev.comfyagent.runtime.comfy.HttpComfyUiClient;
import dev.comfyagent.runtime.session.SessionRegistry;
import dev.comfyagent.runtime.status.StatusTools;
import dev.comfyagent.runtime.tool.InvalidArgumentException;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolException;
import dev.comfyagent.runtime.tool.ToolResult;
import dev.comfyagent.runtime.workflow.Workflow;
import dev.comfyagent.simulator.ComfyUiSimulator;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ExecutionToolsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONNECTION = "connection-1";

  private ComfyUiSimulator comfy;
  private HttpComfyUiClient client;
  private SessionRegistry sessions;
  private Map<String, Tool> tools;

  @BeforeEach
  void start() throws Exception {
    comfy = ComfyUiSimulator.builder().port(0).stepDelay(Duration.ofMillis(2)).start();
    client = new HttpComfyUiClient(settings(comfy.port()));
    sessions = new SessionRegistry(50);
    tools = toolsWith(defaults());
    load(txt2img());
  }

  @AfterEach
  void stop() {
    comfy.close();
  }

  private static ComfyUiSettings settings(int port) {
    return new ComfyUiSettings(
        "127.0.0.1",
        port,
        Duration.ofSeconds(2),
        Duration.ofSeconds(5),
        3,
        Duration.ofMillis(300),
        200);
  }

  private static ExecutionSettings defaults() {
    return new ExecutionSettings(
        Duration.ofSeconds(60),
        Duration.ofSeconds(20),
        Duration.ofSeconds(60),
        Duration.ofMillis(50),
        10);
  }

  private Map<String, Tool> toolsWith(ExecutionSettings settings) {
    return verifyTools(ExecutionTools.create(client, sessions, settings));
  }

  /** The execute tools and the status tools, wired as the runtime wires them. */
  private Map<String, Tool> verifyTools(ExecutionTools execution) {
    return Stream.concat(
            execution.tools().stream(),
            StatusTools.create(client, execution::connectionOf).stream())
        .collect(Collectors.toMap(Tool::name, t -> t));
  }

  private static ObjectNode txt2img() throws Exception {
    try (InputStream in = ExecutionToolsTest.class.getResourceAsStream("txt2img.json")) {
      return (ObjectNode) JSON.readTree(in);
    }
  }

  private void load(ObjectNode prompt) {
    sessions.current(CONNECTION).workflow().load(Workflow.ofApi(prompt));
  }

  private ToolResult call(String tool, String arguments, ToolContext context) throws Exception {
    return tools.get(tool).call((ObjectNode) JSON.readTree(arguments), context);
  }

  private ToolResult call(String tool, String arguments) throws Exception {
    return call(tool, arguments, ToolContext.detached(CONNECTION));
  }

  private ToolResult awaitStatus(String arguments, Predicate<ToolResult> done) throws Exception {
    return awaitStatus(arguments, done, null);
  }

  /**
   * Asks until {@code done}; {@code notYet} thrown meanwhile (no render started yet) is retried.
   */
  private ToolResult awaitStatus(
      String arguments, Predicate<ToolResult> done, Class<? extends Exception> notYet)
      throws Exception {
    for (int i = 0; i < 2000; i++) {
      ToolResult result;
      try {
        result = call("get_execution_status", arguments);
      } catch (Exception e) {
        if (notYet == null || !notYet.isInstance(e)) {
          throw e;
        }
        Thread.sleep(10);
        continue;
      }
      if (done.test(result)) {
        return result;
      }
      Thread.sleep(10);
    }
    throw new AssertionError(
        "status never matched: " + call("get_execution_status", arguments).text());
  }

  @Test
  void theExecuteAndStatusToolsMakeTheSixVerifyTools() {
    assertThat(tools.keySet())
        .containsExactlyInAnyOrder(
            "execute_workflow",
            "get_execution_status",
            "interrupt_execution",
            "get_queue_status",
            "get_system_stats",
            "is_comfyui_running");
    assertThat(tools.get("get_queue_status").readOnly()).isTrue();
    assertThat(tools.get("execute_workflow").readOnly()).isFalse();
    assertThat(
            tools
                .get("execute_workflow")
                .inputSchema()
                .at("/properties/wait_seconds/maximum")
                .asInt())
        .isEqualTo(60);
  }

  @Test
  void rendersAndAnswersWithTheRenderTimeAndOutputFiles() throws Exception {
    ToolResult result = call("execute_workflow", "{}");

    assertThat(result.isError()).isFalse();
    assertThat(result.text()).matches("(?s)Rendered in \\d+\\.\\ds\n.*");
    assertThat(result.text())
        .contains("1 output file")
        .contains(
            "- node 9: ComfyUI_00001_.png (output) http://127.0.0.1:"
                + comfy.port()
                + "/view?filename=ComfyUI_00001_.png&subfolder=&type=output");
    assertThat(result.structuredContent().get("status").asText()).isEqualTo("succeeded");
    assertThat(result.structuredContent().at("/outputs/0/node").asText()).isEqualTo("9");
    assertThat(result.structuredContent().get("followed_by").asText()).isEqualTo("WebSocket");
  }

  @Test
  void sendsStepAndNodeProgressInOrderWhenTheClientAskedForIt() throws Exception {
    // Progress comes over the socket only: with the tests' 50 ms poll interval, a socket quiet for
    // 0.5 s (a loaded machine) is double-checked against /history, which may end the run before
    // the socket's last messages are read, and those steps are then never reported.
    tools =
        toolsWith(
            new ExecutionSettings(
                Duration.ofSeconds(60),
                Duration.ofSeconds(20),
                Duration.ofSeconds(60),
                Duration.ofSeconds(10),
                10));
    RecordingContext context = new RecordingContext(CONNECTION, true);

    call("execute_workflow", "{}", context);

    assertStepAndNodeProgressInOrder(context.notifications);
  }

  @Test
  void sendsEveryStepEvenWhenComfyUiRegistersTheSocketLate() throws Exception {
    // ComfyUI answers the /ws upgrade before it knows the client id: a prompt queued at once
    // would lose its first messages (under load, the flaky failure of the test above).
    comfy.registerWebSocketsLate(Duration.ofMillis(200));
    RecordingContext context = new RecordingContext(CONNECTION, true);

    call("execute_workflow", "{}", context);

    assertStepAndNodeProgressInOrder(context.notifications);
  }

  private static void assertStepAndNodeProgressInOrder(List<RecordingContext.Notification> sent) {
    assertThat(sent).isNotEmpty();
    for (int i = 1; i < sent.size(); i++) {
      assertThat(sent.get(i).progress()).isGreaterThan(sent.get(i - 1).progress());
    }
    List<String> messages = sent.stream().map(RecordingContext.Notification::message).toList();
    assertThat(messages)
        .contains("submitting to ComfyUI", "running KSampler (node 3)")
        .containsSubsequence(
            "KSampler 1/6", "KSampler 2/6", "KSampler 6/6", "running VAEDecode (node 8)");
    assertThat(sent).allMatch(n -> n.thread().equals(Thread.currentThread().getName()));
  }

  @Test
  void sendsNoProgressWhenTheClientDidNotAsk() throws Exception {
    RecordingContext context = new RecordingContext(CONNECTION, false);

    assertThat(call("execute_workflow", "{}", context).text()).startsWith("Rendered in ");
    assertThat(context.notifications).isEmpty();
  }

  @Test
  void aRefusedWorkflowAnswersComfyUisNodeErrorsReadably() throws Exception {
    ObjectNode prompt = txt2img();
    ((ObjectNode) prompt.at("/3/inputs")).put("steps", 0);
    load(prompt);

    ToolResult result = call("execute_workflow", "{}");

    assertThat(result.isError()).isTrue();
    assertThat(result.text())
        .startsWith("ComfyUI refused the workflow: Prompt outputs failed validation")
        .contains("- node 3 (KSampler): steps: Value 0 smaller than min of 1");
    assertThat(result.structuredContent().at("/node_errors/3/class_type").asText())
        .isEqualTo("KSampler");
  }

  @Test
  void aWorkflowRefusedForAMissingNodeTypeNamesThePacksThatProvideIt() throws Exception {
    tools =
        verifyTools(
            ExecutionTools.create(
                client,
                sessions,
                defaults(),
                type ->
                    type.equals("FaceDetailer")
                        ? List.of(
                            "\"ComfyUI Impact Pack\" (https://github.com/ltdrdata/ComfyUI-Impact-Pack)",
                            "\"Impact fork\" (https://github.com/example/impact-fork)")
                        : List.of()));
    ObjectNode prompt = txt2img();
    ((ObjectNode) prompt.get("3")).put("class_type", "FaceDetailer");
    load(prompt);

    ToolResult result = call("execute_workflow", "{}");

    assertThat(result.isError()).isTrue();
    assertThat(result.text())
        .contains("The node type FaceDetailer is not installed in this ComfyUI")
        .contains("find_missing_nodes")
        .contains(
            "ComfyUI-Manager lists FaceDetailer in 2 packs: \"ComfyUI Impact Pack\""
                + " (https://github.com/ltdrdata/ComfyUI-Impact-Pack), \"Impact fork\"")
        .doesNotContain("API format");
  }

  @Test
  void aNodeFailingWhileRunningIsNamedWithItsException() throws Exception {
    comfy.failAtNode("3", "torch.OutOfMemoryError", "Allocation on device");

    ToolResult result = call("execute_workflow", "{}");

    assertThat(result.isError()).isTrue();
    assertThat(result.text())
        .contains("at node 3 (KSampler): torch.OutOfMemoryError: Allocation on device")
        .contains("ran out of memory");
    assertThat(result.structuredContent().at("/error/node_type").asText()).isEqualTo("KSampler");
  }

  @Test
  void aWebSocketDroppedMidRunFallsBackToPollingAndStillFinishes() throws Exception {
    comfy.dropWebSocketInNextRun();

    ToolResult result = call("execute_workflow", "{}");

    assertThat(result.text()).startsWith("Rendered in ").contains("ComfyUI_00001_.png");
    assertThat(result.structuredContent().get("followed_by").asText())
        .isEqualTo("polling /history");
    String promptId = result.structuredContent().get("prompt_id").asText();
    assertThat(comfy.requestCount("/history/" + promptId)).isPositive();
  }

  @Test
  void aWebSocketThatCannotBeOpenedFallsBackToPolling() throws Exception {
    comfy.failNextRequests("/ws", 1, 500);

    ToolResult result = call("execute_workflow", "{}");

    assertThat(result.text()).startsWith("Rendered in ");
    assertThat(result.structuredContent().get("followed_by").asText())
        .isEqualTo("polling /history");
  }

  @Test
  void aLongRenderAnswersStillRenderingAndCanBeFollowedWithGetExecutionStatus() throws Exception {
    comfy.pauseExecution();

    ToolResult started = call("execute_workflow", "{\"wait_seconds\": 0}");

    assertThat(started.isError()).isFalse();
    String promptId = started.structuredContent().get("prompt_id").asText();
    assertThat(started.text())
        .startsWith("Still rendering: prompt_id " + promptId)
        .contains("get_execution_status");
    ToolResult running =
        awaitStatus("{}", r -> r.structuredContent().path("current_node").has("id"));
    assertThat(running.text())
        .startsWith("Rendering prompt_id " + promptId)
        .contains("followed by WebSocket");

    comfy.resumeExecution();

    ToolResult finished =
        awaitStatus(
            "{\"prompt_id\": \"" + promptId + "\"}", r -> r.text().startsWith("Rendered in"));
    assertThat(finished.text()).contains("ComfyUI_00001_.png");
  }

  @Test
  void executeWorkflowSaysWithinSecondsThatComfyUiStoppedAnsweringAndThenThatTheRenderWasLost()
      throws Exception {
    comfy.pauseExecution();
    CompletableFuture<ToolResult> waiting =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return call("execute_workflow", "{\"wait_seconds\": 60}");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    awaitStatus(
        "{}",
        r -> r.structuredContent().path("current_node").has("id"),
        InvalidArgumentException.class);

    long crashed = System.nanoTime();
    comfy.crash();
    ToolResult answer = waiting.get(30, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - crashed) / 1e9;

    String promptId = answer.structuredContent().path("prompt_id").asText();
    assertThat(seconds).as("seconds until execute_workflow answered").isLessThan(5.0);
    assertThat(answer.isError()).isTrue();
    assertThat(answer.text())
        .startsWith(
            "ComfyUI at 127.0.0.1:"
                + comfy.port()
                + " stopped answering during the render of prompt_id "
                + promptId)
        .contains("Circuit breaker now: ")
        .contains("When it stopped, the render was CheckpointLoaderSimple (node 4)")
        .contains("What to do: if ComfyUI crashed")
        .doesNotContain("Still rendering");
    assertThat(answer.structuredContent().path("comfyui_answering").asBoolean(true)).isFalse();
    assertThat(call("get_execution_status", "{}").text()).contains("stopped answering");

    comfy.comeBackUp();

    ToolResult lost = awaitStatus("{}", r -> r.text().startsWith("Lost:"));
    assertThat(lost.isError()).isTrue();
    assertThat(lost.text())
        .contains("no longer knows the prompt (not queued, not running, not in its history)")
        .contains("ComfyUI was restarted and the render was lost")
        .contains("Run execute_workflow again");
    assertThat(lost.structuredContent().path("status").asText()).isEqualTo("lost");
  }

  @Test
  void aRenderThatGoesOnThroughAnOutageIsFollowedToItsEndWhenComfyUiAnswersAgain()
      throws Exception {
    comfy.pauseExecution();
    String promptId =
        call("execute_workflow", "{\"wait_seconds\": 0}")
            .structuredContent()
            .get("prompt_id")
            .asText();
    awaitStatus("{}", r -> r.structuredContent().path("current_node").has("id"));

    comfy.goDown();
    awaitStatus("{}", r -> r.text().contains("stopped answering during the render"));
    comfy.comeBackUp();
    awaitStatus("{}", r -> r.text().startsWith("Rendering prompt_id " + promptId));
    comfy.resumeExecution();

    ToolResult finished = awaitStatus("{}", r -> r.text().startsWith("Rendered in"));
    assertThat(finished.text())
        .contains("ComfyUI_00001_.png")
        .containsPattern(
            "ComfyUI did not answer for \\d+ s during the render, then answered"
                + " again with the prompt still running");
  }

  @Test
  void getExecutionStatusShowsTheQueuePositionOfAWaitingRender() throws Exception {
    comfy.pauseExecution();
    call("execute_workflow", "{\"wait_seconds\": 0}");
    ObjectNode other = txt2img();
    ((ObjectNode) other.at("/3/inputs")).put("seed", 5);
    load(other);
    String second =
        call("execute_workflow", "{\"wait_seconds\": 0}")
            .structuredContent()
            .get("prompt_id")
            .asText();

    ToolResult status = call("get_execution_status", "{\"prompt_id\": \"" + second + "\"}");

    assertThat(status.text())
        .contains("waiting in ComfyUI's queue at position 1 of 1, 1 running ahead of it");
    ToolResult queue = call("get_queue_status", "{}");
    assertThat(queue.text())
        .contains("1 running, 1 waiting")
        .contains("1. prompt_id " + second + " (7 nodes, started here)");
    comfy.resumeExecution();
  }

  @Test
  void interruptStopsTheRunningRender() throws Exception {
    comfy.pauseExecution();
    String promptId =
        call("execute_workflow", "{\"wait_seconds\": 0}")
            .structuredContent()
            .get("prompt_id")
            .asText();
    awaitStatus("{}", r -> r.structuredContent().path("current_node").has("id"));

    ToolResult interrupt = call("interrupt_execution", "{}");
    comfy.resumeExecution();

    assertThat(interrupt.text()).startsWith("Asked ComfyUI to stop prompt_id " + promptId);
    ToolResult status = awaitStatus("{}", r -> r.text().startsWith("Interrupted"));
    assertThat(status.text()).contains("stopped at node").contains("no further outputs");
    assertThat(call("interrupt_execution", "{}").text()).contains("already ended (interrupted)");
  }

  @Test
  void interruptRemovesARenderThatHasNotStartedFromTheQueue() throws Exception {
    comfy.pauseExecution();
    call("execute_workflow", "{\"wait_seconds\": 0}");
    ObjectNode other = txt2img();
    ((ObjectNode) other.at("/3/inputs")).put("seed", 5);
    load(other);
    String second =
        call("execute_workflow", "{\"wait_seconds\": 0}")
            .structuredContent()
            .get("prompt_id")
            .asText();

    ToolResult interrupt = call("interrupt_execution", "{\"prompt_id\": \"" + second + "\"}");

    assertThat(interrupt.text())
        .isEqualTo("Removed prompt_id " + second + " from ComfyUI's queue before it started.");
    assertThat(call("get_execution_status", "{\"prompt_id\": \"" + second + "\"}").text())
        .startsWith("Interrupted: prompt_id " + second + " was removed from ComfyUI's queue");
    comfy.resumeExecution();
  }

  @Test
  void interruptWithoutARenderOfThisConnectionStopsWhateverRuns() throws Exception {
    ToolResult result =
        call("interrupt_execution", "{}", ToolContext.detached("another-connection"));

    assertThat(result.text())
        .startsWith(
            "Asked ComfyUI at 127.0.0.1:" + comfy.port() + " to stop whatever it is running");
    assertThat(comfy.requestCount("/interrupt")).isEqualTo(1);
  }

  @Test
  void getExecutionStatusAsksComfyUiAboutPromptsItDidNotFollow() throws Exception {
    String promptId = client.queuePrompt(txt2img(), "someone-else").promptId();

    ToolResult status =
        awaitStatus(
            "{\"prompt_id\": \"" + promptId + "\"}", r -> r.text().startsWith("Rendered in"));

    assertThat(status.text()).contains("ComfyUI_00001_.png");
    assertThatThrownBy(() -> call("get_execution_status", "{\"prompt_id\": \"nope\"}"))
        .isInstanceOf(ToolException.class)
        .hasMessageContaining("knows no prompt nope");
  }

  @Test
  void getExecutionStatusWithoutARenderSaysWhatToPass() {
    assertThatThrownBy(() -> call("get_execution_status", "{}", ToolContext.detached("fresh")))
        .isInstanceOf(ToolException.class)
        .hasMessageContaining("pass the prompt_id");
  }

  @Test
  void aRenderFollowedLongerThanTheOverallTimeoutIsReportedAsTimedOut() throws Exception {
    tools =
        toolsWith(
            new ExecutionSettings(
                Duration.ofMillis(200),
                Duration.ofSeconds(20),
                Duration.ofSeconds(60),
                Duration.ofMillis(20),
                10));
    comfy.pauseExecution();

    ToolResult result = call("execute_workflow", "{}");
    comfy.resumeExecution();

    assertThat(result.isError()).isTrue();
    assertThat(result.text())
        .startsWith("Stopped following prompt")
        .contains("may still be rendering");
  }

  @Test
  void executeWithoutAWorkflowSaysToLoadOne() {
    assertThatThrownBy(() -> call("execute_workflow", "{}", ToolContext.detached("fresh")))
        .isInstanceOf(ToolException.class)
        .hasMessageContaining("load_workflow");
  }

  @Test
  void executeWhileComfyUiIsDownNamesHostPortAndBreakerState() {
    comfy.goDown();

    assertThatThrownBy(() -> call("execute_workflow", "{}"))
        .isInstanceOf(ComfyUiUnavailableException.class)
        .hasMessageContaining("127.0.0.1:" + comfy.port())
        .hasMessageContaining("circuit breaker");
  }

  @Test
  void cachedRerunsStillReportTheirOutputs() throws Exception {
    call("execute_workflow", "{}");

    ToolResult again = call("execute_workflow", "{}");

    assertThat(again.text())
        .startsWith("Rendered in ")
        .contains("every node was cached")
        .contains("ComfyUI_00001_.png");
  }
}
