package dev.comfyagent.benchmarks.compare;

import dev.comfyagent.benchmarks.compare.JmhResults.Metric;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Compares a new JMH run with the committed baseline and warns about regressions: prints a table
 * (benchmark, parameters, metric, baseline, now, change) and, for each number that got worse by
 * more than the threshold (default {@value #DEFAULT_THRESHOLD_PERCENT}%), a warning — a GitHub
 * Actions {@code ::warning} annotation when {@code GITHUB_ACTIONS=true}. Lower is better for times
 * per operation and B/op, higher for throughput.
 *
 * <p>It warns, it never fails a build: the exit status is 0 whatever the numbers say, and 2 only
 * when an input cannot be read or the arguments are wrong.
 *
 * <p>Usage:
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.comfyagent.benchmarks.compare.BaselineComparator \
 *     [--threshold 20] benchmarks/baseline/jmh-results.json benchmarks/target/jmh-results.json
 * java -cp ... BaselineComparator [--markdown FILE] base-1.json base-2.json --vs head-1.json head-2.json
 * </pre>
 *
 * <p>With {@code --vs}, each side is several runs (the pull request's base and head measured in
 * turns on one machine): each number is the median of its side's runs. {@code --markdown FILE}
 * appends the same comparison to {@code FILE} as a Markdown table (CI hands it {@code
 * $GITHUB_STEP_SUMMARY}).
 *
 * <p>When a {@value MachineDescription#FILE_NAME} lies beside either file, both machines are
 * printed, and a difference in CPU, CPU count or JVM is warned about: such a comparison measures
 * the machines, not the code.
 */
public final class BaselineComparator {

  /** Default regression threshold, in percent. */
  public static final double DEFAULT_THRESHOLD_PERCENT = 20.0;

  private final double thresholdPercent;

  /** A comparator warning above {@code thresholdPercent} percent worse. */
  public BaselineComparator(double thresholdPercent) {
    this.thresholdPercent = thresholdPercent;
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err, System.getenv()));
  }

  /**
   * Runs the comparison on the command line's arguments.
   *
   * @return 0 when compared (regressions or not), 2 for bad arguments or unreadable input
   */
  static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
    double threshold = DEFAULT_THRESHOLD_PERCENT;
    Path markdown = null;
    List<String> before = new ArrayList<>();
    List<String> after = new ArrayList<>();
    boolean sawVs = false;
    for (int i = 0; i < args.length; i++) {
      if ("--threshold".equals(args[i]) && i + 1 < args.length) {
        try {
          threshold = Double.parseDouble(args[++i]);
        } catch (NumberFormatException e) {
          err.println("BaselineComparator: --threshold needs a percentage, got " + args[i]);
          return 2;
        }
      } else if ("--markdown".equals(args[i]) && i + 1 < args.length) {
        markdown = Path.of(args[++i]);
      } else if ("--vs".equals(args[i]) && !sawVs) {
        sawVs = true;
      } else if (sawVs) {
        after.add(args[i]);
      } else {
        before.add(args[i]);
      }
    }
    if (!sawVs && before.size() == 2) {
      after.add(before.remove(1));
    }
    if (before.isEmpty() || after.isEmpty() || threshold <= 0) {
      err.println(
          "usage: BaselineComparator [--threshold PERCENT] [--markdown FILE] <baseline.json> <new.json>"
              + "\n       BaselineComparator [--threshold PERCENT] [--markdown FILE] <base.json>..."
              + " --vs <head.json>..."
              + "\n(JMH -rf json files; several runs of a side are merged by their median; the"
              + " threshold is positive, default "
              + DEFAULT_THRESHOLD_PERCENT
              + ")");
      return 2;
    }
    try {
      List<Metric> baseline = medianOfRuns(before);
      List<Metric> now = medianOfRuns(after);
      Optional<MachineDescription> baselineMachine =
          MachineDescription.read(MachineDescription.besideResults(Path.of(before.get(0))));
      Optional<MachineDescription> newMachine =
          MachineDescription.read(MachineDescription.besideResults(Path.of(after.get(0))));
      Report report = new BaselineComparator(threshold).compare(baseline, now);
      boolean github = "true".equalsIgnoreCase(env.getOrDefault("GITHUB_ACTIONS", ""));
      report.print(out, baselineMachine, newMachine, github);
      if (markdown != null) {
        Path parent = markdown.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        Files.writeString(
            markdown,
            report.markdown(before.size(), after.size()),
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      }
      return 0;
    } catch (IOException e) {
      err.println("BaselineComparator: cannot read input: " + e.getMessage());
      return 2;
    }
  }

  /**
   * The metrics of one side: the file's own when it is one run, else per number the median of the
   * runs that have it (its error is then half the runs' range).
   */
  static List<Metric> medianOfRuns(List<String> files) throws IOException {
    Map<String, List<Metric>> byKey = new LinkedHashMap<>();
    for (String file : files) {
      Path path = Path.of(file);
      if (Files.isDirectory(path)) {
        throw new IOException(file + " is a directory; name the JMH result file in it");
      }
      for (Metric m : JmhResults.read(path)) {
        byKey.computeIfAbsent(m.key(), k -> new ArrayList<>()).add(m);
      }
    }
    if (files.size() == 1) {
      return byKey.values().stream().map(l -> l.get(0)).toList();
    }
    List<Metric> merged = new ArrayList<>();
    for (List<Metric> runs : byKey.values()) {
      double[] scores = runs.stream().mapToDouble(Metric::score).sorted().toArray();
      int n = scores.length;
      double median = n % 2 == 1 ? scores[n / 2] : (scores[n / 2 - 1] + scores[n / 2]) / 2;
      Metric first = runs.get(0);
      merged.add(
          new Metric(
              first.benchmark(),
              first.params(),
              first.mode(),
              first.metric(),
              median,
              n > 1 ? (scores[n - 1] - scores[0]) / 2 : first.error(),
              first.unit()));
    }
    return merged;
  }

  /** Matches the metrics of both runs and judges each. */
  public Report compare(List<Metric> baseline, List<Metric> now) {
    Map<String, Metric> before = new LinkedHashMap<>();
    baseline.forEach(m -> before.put(m.key(), m));
    List<Row> rows = new ArrayList<>();
    for (Metric m : now) {
      Metric old = before.remove(m.key());
      rows.add(old == null ? new Row(null, m, Double.NaN, Verdict.NEW) : judge(old, m));
    }
    for (Metric gone : before.values()) {
      rows.add(new Row(gone, null, Double.NaN, Verdict.MISSING));
    }
    return new Report(rows, thresholdPercent);
  }

  private Row judge(Metric old, Metric now) {
    double floor = now.noiseFloor();
    if (Math.abs(old.score()) < floor && Math.abs(now.score()) < floor) {
      return new Row(old, now, 0.0, Verdict.SAME);
    }
    double base = Math.max(Math.abs(old.score()), floor);
    double change;
    if (base == 0) {
      change = now.score() == 0 ? 0.0 : Math.copySign(Double.POSITIVE_INFINITY, now.score());
    } else {
      change = (now.score() - old.score()) / base * 100.0;
    }
    double worse = now.lowerIsBetter() ? change : -change;
    Verdict verdict =
        worse > thresholdPercent
            ? Verdict.REGRESSION
            : worse < -thresholdPercent ? Verdict.IMPROVEMENT : Verdict.SAME;
    return new Row(old, now, change, verdict);
  }

  /** How a number moved. */
  public enum Verdict {
    /** Worse by more than the threshold. */
    REGRESSION,
    /** Better by more than the threshold. */
    IMPROVEMENT,
    /** Within the threshold either way. */
    SAME,
    /** Only in the new run. */
    NEW,
    /** Only in the baseline. */
    MISSING
  }

  /**
   * One compared number.
   *
   * @param baseline the baseline's metric, {@code null} when new
   * @param now the new run's metric, {@code null} when missing
   * @param changePercent (now - baseline) / baseline in percent, NaN when not compared
   * @param verdict how it moved
   */
  public record Row(Metric baseline, Metric now, double changePercent, Verdict verdict) {

    Metric either() {
      return now != null ? now : baseline;
    }
  }

  /**
   * The comparison of two runs.
   *
   * @param rows every number of either run
   * @param thresholdPercent the regression threshold it was judged with
   */
  public record Report(List<Row> rows, double thresholdPercent) {

    public Report {
      rows = List.copyOf(rows);
    }

    /** The rows that got worse by more than the threshold. */
    public List<Row> regressions() {
      return rows.stream().filter(r -> r.verdict() == Verdict.REGRESSION).toList();
    }

    /** Prints the table, the machines, a summary and one warning per regression. */
    public void print(
        PrintStream out,
        Optional<MachineDescription> baselineMachine,
        Optional<MachineDescription> newMachine,
        boolean githubAnnotations) {
      baselineMachine.ifPresent(m -> out.println("Baseline machine: " + m.summary()));
      newMachine.ifPresent(m -> out.println("New run machine:  " + m.summary()));
      if (baselineMachine.isPresent() && newMachine.isPresent()) {
        List<String> differences = newMachine.get().differencesFrom(baselineMachine.get());
        if (!differences.isEmpty()) {
          warn(
              out,
              githubAnnotations,
              "Benchmark machines differ",
              "the baseline and the new run were measured on different machines ("
                  + String.join("; ", differences)
                  + "): changes may be the machine's, not the code's");
        }
      }
      printTable(out);
      out.println(summary());
      for (Row r : regressions()) {
        Metric m = r.now();
        warn(
            out,
            githubAnnotations,
            "Benchmark regression",
            name(m)
                + params(m)
                + " "
                + m.metric()
                + ": "
                + format(r.baseline().score())
                + " -> "
                + format(m.score())
                + " "
                + m.unit()
                + " ("
                + change(r.changePercent())
                + ", threshold "
                + percent(thresholdPercent)
                + "%)");
      }
    }

    /**
     * The comparison as Markdown: a heading, what was compared, a table of every number with its
     * change and verdict (regressions first, marked in bold), and the summary line.
     *
     * @param baseRuns how many runs the baseline side merged
     * @param newRuns how many runs the new side merged
     */
    public String markdown(int baseRuns, int newRuns) {
      StringBuilder md = new StringBuilder();
      md.append("### Benchmarks: base vs head\n\n");
      md.append(
          String.format(
              Locale.ROOT,
              "Median of %d base run%s and %d head run%s, measured in turns on one runner;"
                  + " a regression is a number worse by more than %s%%.%n%n",
              baseRuns,
              baseRuns == 1 ? "" : "s",
              newRuns,
              newRuns == 1 ? "" : "s",
              percent(thresholdPercent)));
      md.append("| Benchmark | Params | Metric | Unit | Base | Head | Change | |\n");
      md.append("|---|---|---|---|--:|--:|--:|---|\n");
      List<Row> ordered = new ArrayList<>(regressions());
      rows.stream().filter(r -> r.verdict() != Verdict.REGRESSION).forEach(ordered::add);
      for (Row r : ordered) {
        Metric m = r.either();
        boolean bad = r.verdict() == Verdict.REGRESSION;
        md.append("| ")
            .append(cell(name(m)))
            .append(" | ")
            .append(cell(params(m).strip()))
            .append(" | ")
            .append(cell(m.mode() + " " + m.metric()))
            .append(" | ")
            .append(cell(m.unit()))
            .append(" | ")
            .append(r.baseline() == null ? "-" : cell(withError(r.baseline())))
            .append(" | ")
            .append(r.now() == null ? "-" : cell(withError(r.now())))
            .append(" | ")
            .append(Double.isNaN(r.changePercent()) ? "" : change(r.changePercent()))
            .append(" | ")
            .append(
                bad
                    ? "**regression**"
                    : r.verdict() == Verdict.SAME
                        ? ""
                        : r.verdict().name().toLowerCase(Locale.ROOT))
            .append(" |\n");
      }
      md.append('\n').append(summary()).append("\n\n");
      return md.toString();
    }

    private String summary() {
      long improvements = rows.stream().filter(r -> r.verdict() == Verdict.IMPROVEMENT).count();
      long added = rows.stream().filter(r -> r.verdict() == Verdict.NEW).count();
      long missing = rows.stream().filter(r -> r.verdict() == Verdict.MISSING).count();
      return String.format(
          Locale.ROOT,
          "%d numbers compared: %d regressions over %s%%, %d improvements, %d new, %d missing",
          rows.size() - added - missing,
          regressions().size(),
          percent(thresholdPercent),
          improvements,
          added,
          missing);
    }

    /** A Markdown table cell: pipes escaped, line breaks flattened. */
    static String cell(String text) {
      return text.replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }

    private void printTable(PrintStream out) {
      String[] header = {"Benchmark", "Params", "Metric", "Unit", "Baseline", "Now", "Change", ""};
      List<String[]> lines = new ArrayList<>();
      lines.add(header);
      for (Row r : rows) {
        Metric m = r.either();
        lines.add(
            new String[] {
              name(m),
              params(m).strip(),
              m.mode() + " " + m.metric(),
              m.unit(),
              r.baseline() == null ? "-" : withError(r.baseline()),
              r.now() == null ? "-" : withError(r.now()),
              Double.isNaN(r.changePercent()) ? "" : change(r.changePercent()),
              r.verdict() == Verdict.SAME ? "" : r.verdict().name().toLowerCase(Locale.ROOT)
            });
      }
      int[] widths = new int[header.length];
      for (String[] line : lines) {
        for (int i = 0; i < line.length; i++) {
          widths[i] = Math.max(widths[i], line[i].length());
        }
      }
      for (String[] line : lines) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < line.length; i++) {
          boolean number = i >= 4 && i <= 6;
          String cell = line[i];
          String pad = " ".repeat(widths[i] - cell.length());
          text.append(number ? pad + cell : cell + pad).append(i < line.length - 1 ? "  " : "");
        }
        out.println(text.toString().stripTrailing());
      }
    }

    private static void warn(PrintStream out, boolean github, String title, String message) {
      if (github) {
        out.println("::warning title=" + escapeProperty(title) + "::" + escapeData(message));
      } else {
        out.println("WARNING: " + title + ": " + message);
      }
    }

    private static String name(Metric m) {
      return m.benchmark().replaceFirst("^dev\\.comfyagent\\.benchmarks\\.", "");
    }

    private static String params(Metric m) {
      if (m.params().isEmpty()) {
        return "";
      }
      StringBuilder text = new StringBuilder(" ");
      m.params().entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .forEach(
              e ->
                  text.append(text.length() > 1 ? "," : "")
                      .append(e.getKey())
                      .append('=')
                      .append(e.getValue()));
      return text.toString();
    }

    private static String withError(Metric m) {
      return Double.isNaN(m.error()) || m.error() == 0
          ? format(m.score())
          : format(m.score()) + " ± " + format(m.error());
    }

    private static String change(double percent) {
      if (Double.isInfinite(percent)) {
        return percent > 0 ? "+inf%" : "-inf%";
      }
      return String.format(Locale.ROOT, "%+.1f%%", percent);
    }

    private static String percent(double value) {
      return value == Math.rint(value)
          ? String.format(Locale.ROOT, "%.0f", value)
          : java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    static String format(double value) {
      double abs = Math.abs(value);
      if (abs >= 100 || abs == 0) {
        return String.format(Locale.ROOT, "%.0f", value);
      } else if (abs >= 1) {
        return String.format(Locale.ROOT, "%.2f", value);
      }
      return String.format(Locale.ROOT, "%.3g", value);
    }

    /** GitHub workflow command data: %, CR and LF are escaped. */
    static String escapeData(String s) {
      return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
    }

    /** GitHub workflow command property values: also : and , are escaped. */
    static String escapeProperty(String s) {
      return escapeData(s).replace(":", "%3A").replace(",", "%2C");
    }
  }
}
