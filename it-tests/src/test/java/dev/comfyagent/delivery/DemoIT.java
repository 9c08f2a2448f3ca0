package dev.comfyagent.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, {@code java -jar demo/target/comfy-agent-demo.jar}, run as a user
 * runs it after {@code ./mvnw -B -DskipTests package}: it exits 0, every scripted step answers as
 * the README says (the refused patch and the out-of-range input included), the render finishes, the
 * agent's figures count the calls, and the files it points to are there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoIT {

  private CommandRun.Result demo;
  private Path out;

  @BeforeAll
  void runTheDemo(@TempDir Path dir) {
    out = dir.resolve("demo-run");
    Path jar = ProjectTree.root().resolve("demo/target/comfy-agent-demo.jar");
    assertThat(jar).as("the demo jar, built by package").isRegularFile();
    demo =
        CommandRun.run(
            dir,
            Map.of(),
            Duration.ofMinutes(3),
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString(),
                "--out",
                out.toString(),
                "--step-delay-ms",
                "0"));
  }

  @Test
  void exitsZeroWithNoUnexpectedAnswer() {
    assertThat(demo.exitCode()).as(demo.describe()).isZero();
    assertThat(demo.stdout()).doesNotContain("!! unexpected");
  }

  @Test
  void startsTheRuntimeWithTheAgentAgainstTheSimulator() {
    assertThat(demo.stdout())
        .contains("ComfyUI SIMULATOR on 127.0.0.1:")
        .containsPattern("-javaagent:\\S*instrument-javaagent-\\S+\\.jar=output\\.dir=")
        .containsPattern("-jar \\S*agent-runtime-\\S+-all\\.jar serve")
        .containsPattern("\\d+ tools: .*load_workflow.*get_agent_stats");
  }

  @Test
  void printsTheWorkflowFiguresAndTheRefusals() {
    assertThat(demo.stdout())
        .contains("Loaded sdxl-base-refiner.json (API format): 11 nodes, 15 links.")
        .contains("No problems found in 11 nodes")
        .contains("Applied 3 operations (undo depth now 1)")
        .contains("node 10 (KSamplerAdvanced) steps: 25 -> 30")
        .contains("patch op 1 (replace /99/inputs/seed): node 99 does not exist")
        .contains("steps: 0 is below the minimum 1")
        .contains("3 changes since the workflow was loaded")
        .containsPattern("Rendered in \\d+\\.\\ds")
        .contains("Saved session 'demo' (11 nodes, undo depth 1, 0 notes)");
  }

  @Test
  void printsTheAgentsFiguresForTheCallsItMade() {
    assertThat(demo.stdout())
        .containsPattern("apply_workflow_patch\\s+2\\s+1\\s+1\\s")
        .containsPattern("execute_workflow\\s+1\\s+1\\s+0\\s")
        .containsPattern("set_input\\s+1\\s+0\\s+1\\s")
        .contains("Circuit breakers: comfyui CLOSED, 0 transitions")
        .containsPattern("Agent: +\\d+ classes instrumented, 0 could not be, .* 0 internal errors");
  }

  @Test
  void leavesTheFilesItPointsTo() throws IOException {
    assertThat(out.resolve("sessions/demo.json")).isRegularFile();
    try (Stream<Path> logs = Files.list(out.resolve("logs"))) {
      List<String> names = logs.map(p -> p.getFileName().toString()).toList();
      assertThat(names)
          .anyMatch(n -> n.startsWith("runtime") && n.endsWith(".log"))
          .anyMatch(n -> n.startsWith("metrics") && n.endsWith(".jsonl"))
          .anyMatch(n -> n.startsWith("traces") && n.endsWith(".jsonl"));
    }
  }
}
