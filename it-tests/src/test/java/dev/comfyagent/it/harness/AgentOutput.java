package dev.comfyagent.it.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what the agent wrote to its output directory: metrics.jsonl and traces.jsonl with their
 * rotated files, oldest first, every line parsed (a line that is not whole JSON fails the test,
 * naming the file and line).
 */
public final class AgentOutput {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;

  public AgentOutput(Path dir) {
    this.dir = dir;
  }

  /** Every metrics line, oldest first. */
  public List<JsonNode> metricsLines() {
    return lines("metrics");
  }

  /** Every trace line, oldest file first. */
  public List<JsonNode> traces() {
    return lines("traces");
  }

  /** The line written at JVM shutdown. */
  public JsonNode finalMetrics() {
    List<JsonNode> lines = metricsLines();
    for (int i = lines.size() - 1; i >= 0; i--) {
      if ("final".equals(lines.get(i).path("type").asText())) {
        return lines.get(i);
      }
    }
    throw new AssertionError("no final metrics line in " + dir + " among " + lines.size());
  }

  /**
   * Waits for a metrics line that {@code wanted} accepts, while the process still runs (a short
   * {@code metrics.interval} writes them): what the agent saw with the host's objects still in use.
   * Figures of the final line can differ, because memory probes hold instances weakly and the host
   * drops its sessions before the JVM exits.
   *
   * @throws AssertionError naming the last line read when none came within {@code timeout}
   */
  public JsonNode awaitMetricsLine(
      java.util.function.Predicate<JsonNode> wanted, java.time.Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode last = null;
    while (true) {
      List<JsonNode> lines;
      try {
        lines = metricsLines();
      } catch (RuntimeException e) {
        lines = List.of(); // the file is not there yet, or a line is being written
      }
      for (JsonNode line : lines) {
        if (wanted.test(line)) {
          return line;
        }
        last = line;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "no such metrics line in "
                + dir
                + " within "
                + timeout
                + "; the last one read: "
                + last);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for a metrics line", e);
      }
    }
  }

  /** One tool's since-start figures in the final line ({@code MissingNode} when absent). */
  public JsonNode toolTotal(String tool) {
    return finalMetrics().path("total").path("tools").path(tool);
  }

  /** The trace lines of one tool. */
  public List<JsonNode> tracesOf(String tool) {
    return traces().stream().filter(t -> tool.equals(t.path("tool_name").asText())).toList();
  }

  /** The files of one kind, oldest first: name.N.jsonl ... name.1.jsonl, name.jsonl. */
  public List<Path> files(String kind) {
    List<Path> files = new ArrayList<>();
    for (int n = 50; n >= 1; n--) {
      Path rotated = dir.resolve(kind + "." + n + ".jsonl");
      if (Files.exists(rotated)) {
        files.add(rotated);
      }
    }
    Path current = dir.resolve(kind + ".jsonl");
    if (Files.exists(current)) {
      files.add(current);
    }
    return files;
  }

  private List<JsonNode> lines(String kind) {
    List<JsonNode> parsed = new ArrayList<>();
    for (Path file : files(kind)) {
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (!text.isEmpty() && !text.endsWith("\n")) {
        throw new AssertionError(file + " ends in a torn line: " + tail(text));
      }
      String[] lines = text.split("\n");
      for (int i = 0; i < lines.length; i++) {
        if (lines[i].isEmpty()) {
          continue;
        }
        try {
          JsonNode node = JSON.readTree(lines[i]);
          if (node == null || !node.isObject()) {
            throw new IOException("not a JSON object");
          }
          parsed.add(node);
        } catch (IOException e) {
          throw new AssertionError(
              file + " line " + (i + 1) + " is not whole JSON: " + lines[i], e);
        }
      }
    }
    return parsed;
  }

  private static String tail(String text) {
    return text.substring(Math.max(0, text.length() - 200));
  }
}
