package dev.comfyagent.it.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfyagent.it.harness.PackagedJars;
import dev.comfyagent.it.harness.RuntimeServer;
import dev.comfyagent.simulator.ComfyUiSimulator;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The packaged runtime under the agent with {@code gpu=nvidia-smi} and a fake nvidia-smi first (and
 * alone) on its {@code PATH}: a shell script whose behaviour the test switches between calls (a
 * file beside it names the case). Each case is one {@code execute_workflow} against the ComfyUI
 * simulator: the result carries the figures or {@code (GPU: n/a)}, the fault is counted by kind in
 * {@code get_agent_stats}, and no fault fails the render or stops the sampler.
 *
 * <p>The Windows naming of nvidia-smi ({@code .exe}, {@code .bat}) is covered by the sampler's unit
 * tests on an in-memory Windows file system; this test runs the real process path on POSIX.
 */
@DisabledOnOs(OS.WINDOWS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NvidiaSmiFaultsIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ComfyUiSimulator comfy;
  private Path bin;
  private RuntimeServer runtime;

  @BeforeAll
  void startRuntime() throws IOException {
    comfy = ComfyUiSimulator.start(0);
    Path dir = PackagedJars.workDir("nvidia-smi-faults");
    bin = Files.createDirectories(dir.resolve("bin"));
    mode("normal");
    install();
    runtime =
        RuntimeServer.with(dir.resolve("runtime"), comfy)
            .agent(
                "output.dir="
                    + dir.resolve("logs")
                    + ",gpu=nvidia-smi,gpu.interval=200ms,gpu.idle.interval=1h,gpu.timeout=500ms")
            .env("PATH", bin.toString())
            .start();
    assertThat(
            runtime.call("load_workflow", Map.of("workflow", RuntimeServer.workflow())).isError())
        .isFalse();
  }

  @AfterAll
  void stop() {
    runtime.close();
    comfy.close();
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("normal", "(GPU: 98%, VRAM: 12.4/24GB)", null),
        Arguments.of("missing", "(GPU: n/a)", "not-found"),
        Arguments.of("exit", "(GPU: n/a)", "exit-status"),
        Arguments.of("hang", "(GPU: n/a)", "timeout"),
        Arguments.of("garbage", "(GPU: n/a)", "malformed-output"),
        Arguments.of("partial", "(GPU: n/a)", "malformed-output"),
        Arguments.of("na", "(VRAM: 40.0/80GB)", "value-unavailable"),
        Arguments.of("normal", "(GPU: 98%, VRAM: 12.4/24GB)", null));
  }

  @ParameterizedTest(name = "{0} gives {1}")
  @MethodSource("cases")
  void eachNvidiaSmiCaseGivesTheFiguresOrNotAvailableAndCountsItsFault(
      String mode, String figures, String fault) throws IOException {
    if (mode.equals("missing")) {
      Files.deleteIfExists(bin.resolve("nvidia-smi"));
    } else {
      install();
      mode(mode);
    }
    JsonNode before = gpu();

    CallToolResult render = runtime.call("execute_workflow", Map.of());

    JsonNode after = gpu();
    assertThat(render.isError()).as(RuntimeServer.text(render)).isFalse();
    assertThat(RuntimeServer.text(render))
        .as("the render time, then the figures, then the rest of the result")
        .containsPattern("^Rendered in \\d+(\\.\\d+)?s \\Q" + figures + "\\E\\nprompt_id ");
    if (fault == null) {
      assertThat(total(after)).as("no new fault").isEqualTo(total(before));
    } else {
      assertThat(after.path("errors").path(fault).asLong())
          .as("faults counted as " + fault)
          .isGreaterThan(before.path("errors").path(fault).asLong());
    }
    assertThat(after.path("windows_open").asInt()).isZero();
    assertThat(after.path("reads").asLong()).isGreaterThan(before.path("reads").asLong());
  }

  private JsonNode gpu() {
    CallToolResult stats = runtime.call("get_agent_stats", Map.of());
    return JSON.valueToTree(stats.structuredContent()).path("gpu");
  }

  private static long total(JsonNode gpu) {
    long total = 0;
    for (JsonNode count : gpu.path("errors")) {
      total += count.asLong();
    }
    return total;
  }

  private void mode(String mode) throws IOException {
    Files.writeString(bin.resolve("mode"), mode, StandardCharsets.UTF_8);
  }

  /** The fake nvidia-smi: what it prints depends on the mode file beside it. */
  private void install() throws IOException {
    Path script = bin.resolve("nvidia-smi");
    String modeFile = bin.resolve("mode").toString();
    Files.writeString(
        script,
        String.join(
            "\n",
            "#!/bin/sh",
            "case \"$(/bin/cat '" + modeFile + "')\" in",
            "  normal) printf '0, NVIDIA GeForce RTX 4090, 98, 12697, 24564\\n' ;;",
            "  exit) echo \"NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA"
                + " driver.\"; exit 9 ;;",
            "  hang) /bin/sleep 30; echo late ;;",
            "  garbage) echo 'Failed to initialize NVML: Unknown Error' ;;",
            "  partial) printf '0, NVIDIA A100, 87, 40' ;;",
            "  na) printf '0, NVIDIA A100-SXM4-80GB, [N/A], 40960, 81920\\n' ;;",
            "esac",
            ""),
        StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
