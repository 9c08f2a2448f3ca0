package dev.comfyagent.instrument.report;

import dev.comfyagent.instrument.fleet.AgentFiles;
import dev.comfyagent.instrument.fleet.TimeWindow;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * {@code java -jar instrument-javaagent.jar report <files or folders> [-o report.html] [--since T]
 * [--until T]}: one self-contained HTML page of plots and tables over one or many processes'
 * metrics.jsonl, traces.jsonl and latency.hlog files ({@link RunReader}, {@link ReportPage}).
 *
 * <p>The page is written whole or not at all (a temporary file beside it, then renamed). Prints one
 * line to stdout: where the page is, its size, what it covers and how long it took. Exit status 0;
 * 1 when nothing could be read or written; 2 for a wrong command line.
 *
 * <p>This runs from the agent jar's command line only; no class of this package is loaded by the
 * agent in an observed JVM.
 */
public final class ReportCommand {

  /** Exit status when there was nothing to report or the page could not be written. */
  public static final int EXIT_FAILED = 1;

  /** Exit status for a wrong command line. */
  public static final int EXIT_USAGE = 2;

  /** The most time bins of a plot. */
  static final int MAX_BINS = 240;

  /**
   * The command's usage lines, a constant: the attach command's help prints it without loading this
   * class.
   */
  public static final String USAGE =
      "  java -jar instrument-javaagent-<v>.jar report <files or folders>... [-o report.html]"
          + " [--since T] [--until T]"
          + "\n"
          + "      One self-contained HTML page of plots over the metrics, traces and latency logs of"
          + " one or many"
          + "\n"
          + "      processes (folders are searched for metrics*.jsonl, traces*.jsonl and *.hlog)."
          + " -o defaults to"
          + "\n"
          + "      report.html. T: an instant (2026-11-25T10:00:00Z) or a duration before the end of"
          + " the data (90m, 6h, 2d).";

  private ReportCommand() {}

  /**
   * Runs {@code report} with the arguments after the command's name.
   *
   * @return the exit status
   */
  public static int run(List<String> args, PrintStream out, PrintStream err) {
    long started = System.nanoTime();
    List<Path> paths = new ArrayList<>();
    Path output = Path.of("report.html");
    String since = null;
    String until = null;
    try {
      for (int i = 0; i < args.size(); i++) {
        String arg = args.get(i);
        switch (arg) {
          case "-o", "--output" -> output = Path.of(value(args, ++i, arg));
          case "--since" -> since = value(args, ++i, arg);
          case "--until" -> until = value(args, ++i, arg);
          default -> {
            if (arg.startsWith("-")) {
              throw new IllegalArgumentException("unknown option " + arg);
            }
            paths.add(Path.of(arg));
          }
        }
      }
      if (paths.isEmpty()) {
        throw new IllegalArgumentException(
            "report needs the files or folders to read (the agent's output.dir, ./logs by default)");
      }
      if (Files.isDirectory(output)) {
        throw new IllegalArgumentException("-o " + output + " is a folder; name the page's file");
      }
      TimeWindow window = TimeWindow.parse(since, until);
      AgentFiles files = AgentFiles.find(paths);
      if (files.isEmpty()) {
        err.println(
            "report: no metrics*.jsonl, traces*.jsonl or *.hlog file in "
                + paths
                + " (is it the agent's output.dir?)");
        return EXIT_FAILED;
      }
      Run run;
      try {
        run = RunReader.read(files, window, MAX_BINS);
      } catch (IllegalArgumentException e) {
        err.println("report: " + e.getMessage());
        return EXIT_FAILED;
      }
      String html = ReportPage.render(run, agentVersion(), System.currentTimeMillis());
      Path written = write(output, html);
      long millis = (System.nanoTime() - started) / 1_000_000;
      out.printf(
          Locale.ROOT,
          "Wrote %s (%s): %d process%s, %s to %s UTC, %d calls; %d files read in %.1f s%n",
          written,
          size(html.getBytes(StandardCharsets.UTF_8).length),
          run.processes.size(),
          run.processes.size() == 1 ? "" : "es",
          Timestamps.format(run.firstMillis),
          Timestamps.format(run.lastMillis),
          run.totalCalls(),
          run.files.size(),
          millis / 1000.0);
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("report: " + e.getMessage());
      err.println();
      err.println("Usage:");
      err.println(USAGE);
      return EXIT_USAGE;
    } catch (IOException | UncheckedIOException e) {
      err.println("report: " + e.getMessage());
      return EXIT_FAILED;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** Writes the page whole: a temporary file in the same folder, renamed over the target. */
  static Path write(Path output, String html) throws IOException {
    Path target = output.toAbsolutePath().normalize();
    Path dir = target.getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    // Not createTempFile: its owner-only permissions would stay on the page after the rename.
    Path temporary =
        target.resolveSibling(
            "." + target.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    try {
      Files.writeString(
          temporary,
          html,
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE);
      try {
        Files.move(
            temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temporary);
    }
    return target;
  }

  private static String size(long bytes) {
    return bytes < 1024 * 1024
        ? String.format(Locale.ROOT, "%.0f KB", bytes / 1024.0)
        : String.format(Locale.ROOT, "%.2f MB", bytes / (1024.0 * 1024));
  }

  /** The version in the agent jar's manifest, or {@code unknown} (a classes folder). */
  static String agentVersion() {
    try {
      CodeSource source = ReportCommand.class.getProtectionDomain().getCodeSource();
      if (source != null && source.getLocation() != null) {
        Path jar = Path.of(source.getLocation().toURI());
        if (Files.isRegularFile(jar)) {
          try (JarFile file = new JarFile(jar.toFile(), false)) {
            Manifest manifest = file.getManifest();
            String version =
                manifest == null
                    ? null
                    : manifest.getMainAttributes().getValue(Attributes.Name.IMPLEMENTATION_VERSION);
            if (version != null) {
              return version;
            }
          }
        }
      }
    } catch (IOException | RuntimeException | java.net.URISyntaxException e) {
      // not from a jar
    }
    return "unknown";
  }

  private static String value(List<String> args, int i, String option) {
    if (i >= args.size()) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args.get(i);
  }
}
