package dev.comfyagent.instrument.fleet;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * {@code java -jar instrument-javaagent.jar merge <files or folders> [--json] [--since T] [--until
 * T]}: every tool's exact latency percentiles over the HdrHistogram logs ({@code *.hlog}) of any
 * number of processes, from their interval histograms added up ({@link FleetLatencies}).
 *
 * <pre>
 * 3 processes, 3 files, 2026-11-25T10:15:30Z to 2026-11-25T11:15:30Z; latencies in ms
 * TOOL                  CALLS       P50       P95       P99     P99.9       MAX
 * load_workflow           412     9.800    40.100    52.200    61.100    61.100
 * </pre>
 *
 * With {@code --json}, the same as one JSON object: {@code {"processes":[...],"files":3,
 * "from":"...","to":"...","skipped_lines":0,"tools":{"load_workflow":{"calls":412,"p50_ms":9.8,
 * "p95_ms":40.1,"p99_ms":52.2,"p99_9_ms":61.1,"max_ms":61.1}}}}. Milliseconds have three decimals:
 * the logs hold microseconds, as metrics.jsonl's figures do.
 *
 * <p>Exit status 0; 1 when no log holds an interval (after {@code --since}/{@code --until}); 2 for
 * a wrong command line. Lines that cannot be read are skipped and named on stderr.
 */
public final class MergeCommand {

  /** Exit status when no interval was found. */
  public static final int EXIT_NOTHING = 1;

  /** Exit status for a wrong command line. */
  public static final int EXIT_USAGE = 2;

  /**
   * The command's usage lines, a constant: the attach command's help prints it without loading this
   * class.
   */
  public static final String USAGE =
      "  java -jar instrument-javaagent-<v>.jar merge <files or folders>... [--json]"
          + " [--since T] [--until T]"
          + "\n"
          + "      Exact latency percentiles per tool over the latency*.hlog files of any number of"
          + " processes."
          + "\n"
          + "      T: an instant (2026-11-25T10:00:00Z) or a duration before the end of the data"
          + " (90m, 6h, 2d).";

  private static final JsonFactory JSON = JsonFactory.builder().build();

  private MergeCommand() {}

  /**
   * Runs {@code merge} with the arguments after the command's name.
   *
   * @return the exit status
   */
  public static int run(List<String> args, PrintStream out, PrintStream err) {
    List<Path> paths = new ArrayList<>();
    boolean json = false;
    String since = null;
    String until = null;
    try {
      for (int i = 0; i < args.size(); i++) {
        String arg = args.get(i);
        switch (arg) {
          case "--json" -> json = true;
          case "--since" -> since = value(args, ++i, arg);
          case "--until" -> until = value(args, ++i, arg);
          default -> {
            if (arg.startsWith("--")) {
              throw new IllegalArgumentException("unknown option " + arg);
            }
            paths.add(Path.of(arg));
          }
        }
      }
      if (paths.isEmpty()) {
        throw new IllegalArgumentException("merge needs the files or folders to read");
      }
      TimeWindow window = TimeWindow.parse(since, until);
      AgentFiles files = AgentFiles.find(paths);
      if (files.latencyLogs().isEmpty()) {
        err.println(
            "merge: no *.hlog file in "
                + paths
                + "; the agent writes latency.hlog beside metrics.jsonl unless hlog=off");
        return EXIT_NOTHING;
      }
      FleetLatencies fleet = FleetLatencies.read(files.latencyLogs(), window);
      for (String problem : fleet.problems()) {
        err.println("merge: " + problem);
      }
      if (fleet.intervals() == 0) {
        err.println(
            "merge: no interval in "
                + files.latencyLogs().size()
                + " file(s)"
                + (window.isAll() ? "" : " between --since and --until"));
        return EXIT_NOTHING;
      }
      out.print(json ? json(fleet) : table(fleet));
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("merge: " + e.getMessage());
      err.println();
      err.println("Usage:");
      err.println(USAGE);
      return EXIT_USAGE;
    } catch (IOException | UncheckedIOException e) {
      err.println("merge: cannot read: " + e.getMessage());
      return EXIT_NOTHING;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** The text table. */
  static String table(FleetLatencies fleet) {
    StringBuilder text = new StringBuilder();
    text.append(
        String.format(
            Locale.ROOT,
            "%d process%s, %d file%s, %s to %s; latencies in ms%n",
            fleet.instances().size(),
            fleet.instances().size() == 1 ? "" : "es",
            fleet.files(),
            fleet.files() == 1 ? "" : "s",
            Instant.ofEpochMilli(fleet.firstStartMillis()),
            Instant.ofEpochMilli(fleet.lastEndMillis())));
    int width =
        Math.max(20, fleet.tools().keySet().stream().mapToInt(String::length).max().orElse(0));
    String row = "%-" + width + "s %9s %9s %9s %9s %9s %9s%n";
    text.append(
        String.format(Locale.ROOT, row, "TOOL", "CALLS", "P50", "P95", "P99", "P99.9", "MAX"));
    for (Map.Entry<String, Histogram> tool : fleet.tools().entrySet()) {
      Histogram h = tool.getValue();
      text.append(
          String.format(
              Locale.ROOT,
              row,
              tool.getKey(),
              h.getTotalCount(),
              millis(h.getValueAtPercentile(50)),
              millis(h.getValueAtPercentile(95)),
              millis(h.getValueAtPercentile(99)),
              millis(h.getValueAtPercentile(99.9)),
              millis(h.getMaxValue())));
    }
    if (fleet.skippedLines() > 0) {
      text.append(fleet.skippedLines()).append(" unreadable line(s) skipped (see stderr)\n");
    }
    return text.toString();
  }

  /** The JSON object. */
  static String json(FleetLatencies fleet) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator json = JSON.createGenerator(bytes, JsonEncoding.UTF8)) {
      json.writeStartObject();
      json.writeArrayFieldStart("processes");
      for (String instance : fleet.instances()) {
        json.writeString(instance);
      }
      json.writeEndArray();
      json.writeNumberField("files", fleet.files());
      json.writeStringField("from", Instant.ofEpochMilli(fleet.firstStartMillis()).toString());
      json.writeStringField("to", Instant.ofEpochMilli(fleet.lastEndMillis()).toString());
      json.writeNumberField("skipped_lines", fleet.skippedLines());
      json.writeObjectFieldStart("tools");
      for (Map.Entry<String, Histogram> tool : fleet.tools().entrySet()) {
        Histogram h = tool.getValue();
        json.writeObjectFieldStart(tool.getKey());
        json.writeNumberField("calls", h.getTotalCount());
        writeMillis(json, "p50_ms", h.getValueAtPercentile(50));
        writeMillis(json, "p95_ms", h.getValueAtPercentile(95));
        writeMillis(json, "p99_ms", h.getValueAtPercentile(99));
        writeMillis(json, "p99_9_ms", h.getValueAtPercentile(99.9));
        writeMillis(json, "max_ms", h.getMaxValue());
        json.writeEndObject();
      }
      json.writeEndObject();
      json.writeEndObject();
    }
    return bytes.toString(StandardCharsets.UTF_8) + System.lineSeparator();
  }

  private static void writeMillis(JsonGenerator json, String name, long micros) throws IOException {
    json.writeFieldName(name);
    json.writeNumber(BigDecimal.valueOf(micros, 3));
  }

  private static String millis(long micros) {
    return BigDecimal.valueOf(micros, 3).toPlainString();
  }

  private static String value(List<String> args, int i, String option) {
    if (i >= args.size()) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args.get(i);
  }
}
