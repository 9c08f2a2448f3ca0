package dev.comfyagent.benchmarks.overhead;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What this project's agent reported about an overhead fork, from the {@code "type":"final"} line
 * it appends to {@code metrics.jsonl} when the fork's JVM exits: how many calls of {@link
 * ConstantResultTool} it counted, how many trace lines it wrote or dropped, and its own health. The
 * suite reads it after the fork to prove the agent observed the calls it was timed on.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * AgentRunReport report = AgentRunReport.read(outputDir).orElseThrow();
 * report.problem(AgentConfiguration.AGENT_TRACE_ON).ifPresent(p -> fail(p));
 * }</pre>
 *
 * @param toolCalls calls of {@link ConstantResultTool#NAME} the agent counted
 * @param traceLinesWritten trace lines written to {@code traces.jsonl}
 * @param traceLinesDropped trace lines dropped because the queue was full (the writer fell behind)
 * @param classesInstrumented classes the agent wove
 * @param internalErrors errors inside the agent (each suppressed, never seen by the host)
 */
public record AgentRunReport(
    long toolCalls,
    long traceLinesWritten,
    long traceLinesDropped,
    long classesInstrumented,
    long internalErrors) {

  /** The file the agent writes its metrics lines to, in its {@code output.dir}. */
  public static final String METRICS_FILE = "metrics.jsonl";

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Reads the last final metrics line in {@code outputDir}; empty when there is none (the JVM did
   * not exit normally, or no agent ran).
   *
   * @throws IOException when the file cannot be read or its final line is not JSON
   */
  public static Optional<AgentRunReport> read(Path outputDir) throws IOException {
    Path metrics = outputDir.resolve(METRICS_FILE);
    if (!Files.isRegularFile(metrics)) {
      return Optional.empty();
    }
    List<String> lines = Files.readAllLines(metrics, StandardCharsets.UTF_8);
    for (int i = lines.size() - 1; i >= 0; i--) {
      // The agent pads lines with spaces to keep writes within pages; they are JSON whitespace.
      String line = lines.get(i).strip();
      if (line.contains("\"type\":\"final\"")) {
        JsonNode node = JSON.readTree(line);
        JsonNode agent = node.path("agent");
        return Optional.of(
            new AgentRunReport(
                node.path("total")
                    .path("tools")
                    .path(ConstantResultTool.NAME)
                    .path("calls")
                    .asLong(),
                agent.path("trace_lines_written").asLong(),
                agent.path("trace_lines_dropped").asLong(),
                agent.path("classes_instrumented").asLong(),
                agent.path("internal_errors").asLong()));
      }
    }
    return Optional.empty();
  }

  /**
   * Why the figures of a fork run under {@code configuration} would not describe that agent at
   * work, or empty when they do: the tool's calls must be counted, trace lines written exactly when
   * tracing is on, and the agent free of internal errors.
   */
  public Optional<String> problem(AgentConfiguration configuration) {
    return problem(configuration, false);
  }

  /**
   * As {@link #problem(AgentConfiguration)}, and for a paced run ({@link
   * AgentOverheadBenchmark#queuedToolCall}) with tracing on also when more than a tenth of the
   * traced calls were dropped: its figure is meant to be that of a queued call.
   */
  public Optional<String> problem(AgentConfiguration configuration, boolean paced) {
    boolean tracing = configuration.traces();
    long traced = traceLinesWritten + traceLinesDropped;
    if (paced && tracing && traceLinesDropped * 10 > traced) {
      return Optional.of(
          String.format(
              java.util.Locale.ROOT,
              "%,d of %,d traced calls were dropped, so the paced call was not the queued one it"
                  + " is meant to time",
              traceLinesDropped,
              traced));
    }
    if (toolCalls == 0) {
      return Optional.of("the agent counted no call of " + ConstantResultTool.NAME);
    }
    if (tracing && traceLinesWritten == 0) {
      return Optional.of("tracing is on, but the agent wrote no trace line");
    }
    if (!tracing && traceLinesWritten + traceLinesDropped > 0) {
      return Optional.of(
          "tracing is off, but the agent traced "
              + (traceLinesWritten + traceLinesDropped)
              + " calls");
    }
    if (internalErrors > 0) {
      return Optional.of(
          "the agent had "
              + internalErrors
              + " internal errors (debug=on names them), so its hot path was not the normal one");
    }
    return Optional.empty();
  }

  /** One line for the run's output. */
  public String summary() {
    return String.format(
        java.util.Locale.ROOT,
        "%,d calls counted, %,d trace lines written, %,d dropped, %d classes woven, %d internal"
            + " errors",
        toolCalls,
        traceLinesWritten,
        traceLinesDropped,
        classesInstrumented,
        internalErrors);
  }
}
