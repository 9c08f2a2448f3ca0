package dev.comfyagent.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfyagent.benchmarks.overhead.AgentConfiguration;
import dev.comfyagent.benchmarks.overhead.AgentJars;
import dev.comfyagent.benchmarks.overhead.AgentRunReport;
import dev.comfyagent.benchmarks.overhead.ConstantResultTool;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchmarkSuiteTest {

  @TempDir Path checkout;

  @Test
  void aFullRunStopsBeforeMeasuringWhenAnAgentIsMissing() throws IOException {
    AgentJars nothingBuilt =
        new AgentJars(Files.createDirectories(checkout.resolve("benchmarks/target")));
    PrintStream sink = new PrintStream(new ByteArrayOutputStream());

    assertThatThrownBy(
            () ->
                BenchmarkSuite.run(
                    new String[] {"--result", checkout.resolve("r.json").toString()},
                    nothingBuilt,
                    sink,
                    sink))
        .isInstanceOf(BenchmarkSuite.UsageException.class)
        .hasMessageContaining("agent-trace-off")
        .hasMessageContaining("instrument-javaagent")
        .hasMessageContaining("-Dbenchmarks.agent.jar")
        .hasMessageContaining("--skip-missing-agents");
  }

  @Test
  void aRunThatSelectsNoOverheadBenchmarkNeedsNoAgentAndStillWritesItsFiles() throws IOException {
    AgentJars nothingBuilt =
        new AgentJars(Files.createDirectories(checkout.resolve("benchmarks/target")));
    PrintStream sink = new PrintStream(new ByteArrayOutputStream());
    Path result = checkout.resolve("out/jmh-results.json");

    int status =
        BenchmarkSuite.run(
            new String[] {"--result", result.toString(), "NoBenchmarkIsCalledThis"},
            nothingBuilt,
            sink,
            sink);

    assertThat(status).isZero();
    JsonNode written = new ObjectMapper().readTree(result.toFile());
    assertThat(written.isArray() && written.isEmpty()).as(written.toString()).isTrue();
    assertThat(result.resolveSibling("machine.json")).exists();
  }

  @Test
  void rejectsAResultFileThatIsADirectory() throws IOException {
    AgentJars jars = new AgentJars(Files.createDirectories(checkout.resolve("benchmarks/target")));
    PrintStream sink = new PrintStream(new ByteArrayOutputStream());

    assertThatThrownBy(
            () ->
                BenchmarkSuite.run(
                    new String[] {"--result", checkout.toString(), "NoBenchmarkIsCalledThis"},
                    jars,
                    sink,
                    sink))
        .isInstanceOf(BenchmarkSuite.UsageException.class)
        .hasMessageContaining("is a directory");
  }

  @Test
  void anAgentRunWithoutTheAgentsFinalReportIsRejected() throws IOException {
    PrintStream sink = new PrintStream(new ByteArrayOutputStream());

    assertThat(
            BenchmarkSuite.checkAgentReport(
                AgentConfiguration.AGENT_TRACE_OFF, Files.createDirectories(checkout), sink))
        .hasValueSatisfying(
            p -> assertThat(p).contains("agent-trace-off").contains("no final metrics line"));
  }

  @Test
  void anAgentRunWhoseReportShowsTheCallsIsKeptAndSummarized() throws IOException {
    Files.writeString(
        checkout.resolve(AgentRunReport.METRICS_FILE),
        "{\"type\":\"final\",\"total\":{\"tools\":{\""
            + ConstantResultTool.NAME
            + "\":{\"calls\":42}}},\"agent\":{\"trace_lines_written\":42}}\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    assertThat(
            BenchmarkSuite.checkAgentReport(
                AgentConfiguration.AGENT_TRACE_ON,
                checkout,
                new PrintStream(out, true, StandardCharsets.UTF_8)))
        .isEmpty();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("agent-trace-on")
        .contains("42 calls counted");
  }

  @Test
  void rejectsABadJmhOption() throws IOException {
    AgentJars jars = new AgentJars(Files.createDirectories(checkout.resolve("benchmarks/target")));
    PrintStream sink = new PrintStream(new ByteArrayOutputStream());

    assertThatThrownBy(
            () -> BenchmarkSuite.run(new String[] {"--smoke", "-f", "many"}, jars, sink, sink))
        .isInstanceOf(BenchmarkSuite.UsageException.class)
        .hasMessageContaining("bad JMH option");
  }
}
