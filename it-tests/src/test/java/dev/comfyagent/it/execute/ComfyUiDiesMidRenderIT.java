package dev.comfyagent.it.execute;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfyagent.it.harness.PackagedJars;
import dev.comfyagent.it.harness.RuntimeServer;
import dev.comfyagent.simulator.ComfyUiSimulator;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged runtime over stdio, rendering on a ComfyUI (simulator) that dies mid-render: {@code
 * execute_workflow} answers within seconds that ComfyUI stopped answering, not at the end of its
 * wait, and once ComfyUI is back (restarted, knowing nothing) {@code get_execution_status} says the
 * render was lost.
 */
class ComfyUiDiesMidRenderIT {

  @Test
  void executeWorkflowSaysComfyUiStoppedAnsweringThenGetExecutionStatusSaysTheRenderWasLost()
      throws Exception {
    try (ComfyUiSimulator comfy = ComfyUiSimulator.builder().port(0).start();
        RuntimeServer runtime =
            RuntimeServer.with(PackagedJars.workDir("comfyui-dies"), comfy).start()) {
      runtime.call("load_workflow", Map.of("workflow", RuntimeServer.workflow()));
      comfy.pauseExecution();
      CompletableFuture<CallToolResult> render =
          CompletableFuture.supplyAsync(
              () -> runtime.call("execute_workflow", Map.of("wait_seconds", 120)));
      for (int i = 0; i < 3000 && comfy.queueRemaining() == 0; i++) {
        Thread.sleep(10);
      }
      Thread.sleep(500);

      long crashed = System.nanoTime();
      comfy.crash();
      CallToolResult answer = render.get(60, TimeUnit.SECONDS);
      double seconds = (System.nanoTime() - crashed) / 1e9;

      assertThat(seconds).as("seconds until execute_workflow answered").isLessThan(10.0);
      assertThat(answer.isError()).isTrue();
      assertThat(RuntimeServer.text(answer))
          .startsWith(
              "ComfyUI at 127.0.0.1:" + comfy.port() + " stopped answering during the render")
          .contains("Circuit breaker now: ")
          .contains("What to do:");

      comfy.comeBackUp();
      String status = "";
      for (int i = 0; i < 600 && !status.startsWith("Lost:"); i++) {
        Thread.sleep(100);
        status = RuntimeServer.text(runtime.call("get_execution_status", Map.of()));
      }
      assertThat(status)
          .startsWith("Lost:")
          .contains("ComfyUI was restarted and the render was lost");
    }
  }
}
