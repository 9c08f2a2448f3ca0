package dev.comfyagent.instrument.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The files the agent wrote, found from what a user names on a command line: files, or folders
 * searched (to a depth of {@value #MAX_DEPTH}, so {@code logs/<container>/} works) for {@code
 * metrics*.jsonl}, {@code traces*.jsonl} and {@code *.hlog}, rotated ones included. Within each
 * kind, a rotated set is listed oldest first ({@code metrics.3.jsonl}, ..., {@code metrics.jsonl}).
 *
 * <p>Usage:
 *
 * <pre>{@code
 * AgentFiles files = AgentFiles.find(List.of(Path.of("logs")));
 * for (Path hlog : files.latencyLogs()) { ... }
 * }</pre>
 *
 * @param metrics metrics files
 * @param traces trace files
 * @param latencyLogs HdrHistogram logs
 */
public record AgentFiles(List<Path> metrics, List<Path> traces, List<Path> latencyLogs) {

  /** How deep folders are searched. */
  static final int MAX_DEPTH = 4;

  private static final Pattern ROTATED = Pattern.compile("^(.*)\\.(\\d+)\\.(jsonl|hlog)$");

  /**
   * Finds the agent's files in {@code paths}.
   *
   * @throws IllegalArgumentException naming a path that does not exist, or a file that is none of
   *     the agent's kinds
   * @throws UncheckedIOException when a folder cannot be read
   */
  public static AgentFiles find(List<Path> paths) {
    Set<Path> metrics = new LinkedHashSet<>();
    Set<Path> traces = new LinkedHashSet<>();
    Set<Path> logs = new LinkedHashSet<>();
    for (Path path : paths) {
      if (Files.isDirectory(path)) {
        try (Stream<Path> walk = Files.walk(path, MAX_DEPTH)) {
          walk.filter(Files::isRegularFile)
              .forEach(
                  file -> {
                    Kind kind = kindOf(file);
                    if (kind == Kind.METRICS) {
                      metrics.add(file.normalize());
                    } else if (kind == Kind.TRACES) {
                      traces.add(file.normalize());
                    } else if (kind == Kind.LATENCY_LOG) {
                      logs.add(file.normalize());
                    }
                  });
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read folder " + path + ": " + e.getMessage(), e);
        }
      } else if (Files.isRegularFile(path)) {
        switch (kindOf(path)) {
          case METRICS -> metrics.add(path.normalize());
          case TRACES -> traces.add(path.normalize());
          case LATENCY_LOG -> logs.add(path.normalize());
          case OTHER ->
              throw new IllegalArgumentException(
                  path
                      + " is none of the agent's files (metrics*.jsonl, traces*.jsonl or *.hlog);"
                      + " name it so, or name its folder");
        }
      } else {
        throw new IllegalArgumentException(path + ": no such file or folder");
      }
    }
    return new AgentFiles(oldestFirst(metrics), oldestFirst(traces), oldestFirst(logs));
  }

  /** Whether no file was found. */
  public boolean isEmpty() {
    return metrics.isEmpty() && traces.isEmpty() && latencyLogs.isEmpty();
  }

  /** Every file, metrics first. */
  public List<Path> all() {
    List<Path> all = new ArrayList<>(metrics);
    all.addAll(traces);
    all.addAll(latencyLogs);
    return all;
  }

  private enum Kind {
    METRICS,
    TRACES,
    LATENCY_LOG,
    OTHER
  }

  private static Kind kindOf(Path file) {
    Path fileName = file.getFileName();
    String name = fileName == null ? "" : fileName.toString();
    if (name.endsWith(".hlog")) {
      return Kind.LATENCY_LOG;
    }
    if (name.endsWith(".jsonl") && name.startsWith("metrics")) {
      return Kind.METRICS;
    }
    if (name.endsWith(".jsonl") && name.startsWith("traces")) {
      return Kind.TRACES;
    }
    return Kind.OTHER;
  }

  /** Sorted by the current file's name, each set from its highest rotation number down. */
  private static List<Path> oldestFirst(Set<Path> files) {
    List<Path> sorted = new ArrayList<>(files);
    sorted.sort(
        Comparator.comparing((Path p) -> baseName(p).toString())
            .thenComparing(p -> -rotation(p))
            .thenComparing(Path::toString));
    return sorted;
  }

  private static Path baseName(Path file) {
    Path fileName = file.getFileName();
    Matcher m = ROTATED.matcher(fileName == null ? "" : fileName.toString());
    return m.matches() ? file.resolveSibling(m.group(1) + "." + m.group(3)) : file;
  }

  private static int rotation(Path file) {
    Path fileName = file.getFileName();
    Matcher m = ROTATED.matcher(fileName == null ? "" : fileName.toString());
    if (!m.matches()) {
      return 0;
    }
    try {
      return Integer.parseInt(m.group(2));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
