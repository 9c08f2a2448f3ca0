package dev.comfyagent.instrument.report;

import dev.comfyagent.instrument.fleet.AgentFiles;
import dev.comfyagent.instrument.fleet.LatencyLogReader;
import dev.comfyagent.instrument.fleet.TimeWindow;
import dev.comfyagent.instrument.host.RuntimeContract;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.DataFormatException;

/**
 * Reads one or many processes' metrics, HdrHistogram logs and traces into a {@link Run}, streaming
 * (a million trace lines are never held): metrics lines first (they give the time range and the
 * counts), then the HdrHistogram logs (exact latencies per bin), then the traces (latencies when
 * there is no log, the renders, the chains), and the traces once more for the ten slowest chains'
 * calls.
 *
 * <p>What comes from where: call and error counts from metrics.jsonl (exact, whatever traces were
 * dropped), else traces; latencies from the HdrHistogram logs, else traces, else (for the table of
 * a single process only) metrics.jsonl's own percentiles; everything else from metrics.jsonl.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * Run run = RunReader.read(AgentFiles.find(paths), TimeWindow.parse("6h", null), 240);
 * }</pre>
 */
final class RunReader {

  /** The most slow chains shown. */
  static final int SLOWEST_CHAINS = 10;

  /** The most calls kept per slow chain. */
  static final int CHAIN_CALLS = 200;

  static final String RENDER_TOOL = RuntimeContract.RENDER_TOOL;

  /** The threads that read trace files and decode latency logs. */
  static final int THREADS = Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors()));

  private static final double MIB = 1024.0 * 1024;
  private static final double GIB = MIB * 1024;

  private final AgentFiles files;
  private final Run run = new Run();
  private final Map<String, List<MetricsPoint>> metrics = new TreeMap<>();
  private final Map<String, String> strings = new HashMap<>();
  private BinnedLatencies latencies;

  private RunReader(AgentFiles files) {
    this.files = files;
  }

  /**
   * Reads the files.
   *
   * @param window the span to show
   * @param maxBins the most time bins of a plot
   * @throws IOException when a file cannot be read
   * @throws IllegalArgumentException when the files hold nothing inside the window
   */
  static Run read(AgentFiles files, TimeWindow window, int maxBins) throws IOException {
    RunReader reader = new RunReader(files);
    reader.readMetrics();
    long[] range = reader.dataRange();
    reader.run.window = window.resolve(range[1]);
    long from = Math.max(range[0], reader.run.window.since());
    long to = Math.min(range[1], reader.run.window.until());
    if (from > to) {
      throw new IllegalArgumentException(
          "no data between --since and --until (the files cover "
              + Timestamps.format(range[0])
              + " to "
              + Timestamps.format(range[1])
              + " UTC)");
    }
    reader.run.firstMillis = from;
    reader.run.lastMillis = to;
    reader.run.bins = TimeBins.covering(from, to, reader.typicalIntervalMillis(), maxBins);
    reader.latencies = new BinnedLatencies(reader.run.bins);
    reader.readLatencyLogs();
    reader.readTraces();
    reader.buildFromMetrics();
    reader.buildTools();
    for (Path file : files.all()) {
      reader.run.files.add(file.toString());
    }
    return reader.run;
  }

  // ---- metrics.jsonl

  private void readMetrics() throws IOException {
    for (Path file : files.metrics()) {
      Path name = file.getFileName();
      String legacy = "pid ";
      long[] bad = {0};
      String[] firstProblem = {null};
      JsonLines.forEach(
          file,
          (bytes, offset, length, lineNumber, fileOffset) -> {
            try {
              Object tree = JsonLines.tree(bytes, offset, length);
              if (!(tree instanceof Map<?, ?> map)) {
                throw new IOException("not a JSON object");
              }
              @SuppressWarnings("unchecked")
              MetricsPoint point = MetricsPoint.of((Map<String, Object>) map, legacy);
              metrics.computeIfAbsent(point.instance, k -> new ArrayList<>()).add(point);
            } catch (IOException | RuntimeException e) {
              bad[0]++;
              if (firstProblem[0] == null) {
                firstProblem[0] = file + " line " + lineNumber + ": " + problem(e);
              }
            }
          });
      if (bad[0] > 0) {
        run.unreadable.add(
            new Run.Unreadable("metrics " + (name == null ? file : name), bad[0], firstProblem[0]));
      }
    }
    for (List<MetricsPoint> points : metrics.values()) {
      points.sort(Comparator.comparingLong(p -> p.tsMillis));
    }
  }

  /** The earliest start and latest end of any record, without reading traces when avoidable. */
  private long[] dataRange() throws IOException {
    long[] range = {Long.MAX_VALUE, Long.MIN_VALUE};
    for (List<MetricsPoint> points : metrics.values()) {
      for (MetricsPoint p : points) {
        range[0] = Math.min(range[0], p.intervalStartMillis());
        range[1] = Math.max(range[1], p.tsMillis);
      }
    }
    for (Path log : files.latencyLogs()) {
      LatencyLogReader.read(
          log,
          interval -> {
            range[0] = Math.min(range[0], interval.startMillis());
            range[1] = Math.max(range[1], interval.endMillis());
          },
          true);
    }
    for (Path traces : files.traces()) {
      long[] ends = traceFileEnds(traces);
      range[0] = Math.min(range[0], ends[0]);
      range[1] = Math.max(range[1], ends[1]);
    }
    if (range[0] > range[1]) {
      throw new IllegalArgumentException("the files hold no line that could be read");
    }
    return range;
  }

  /**
   * The first call's start and the last call's end in a trace file, from its first and last 64 KB
   * (lines are written as calls end, so nearly in order).
   */
  private static long[] traceFileEnds(Path file) throws IOException {
    long[] ends = {Long.MAX_VALUE, Long.MIN_VALUE};
    long size = Files.size(file);
    int window = 64 * 1024;
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(window);
    }
    byte[] tail;
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long from = Math.max(0, size - window);
      tail = new byte[(int) (size - from)];
      raf.seek(from);
      raf.readFully(tail);
    }
    TraceLine line = new TraceLine();
    for (byte[] chunk : new byte[][] {head, tail}) {
      int start = 0;
      for (int i = 0; i <= chunk.length; i++) {
        if (i == chunk.length || chunk[i] == '\n') {
          try {
            line.read(chunk, start, i - start, false);
            ends[0] = Math.min(ends[0], line.startMillis);
            ends[1] = Math.max(ends[1], line.endMillis());
          } catch (IOException e) {
            // a line cut by the chunk's edge, or unreadable: the full pass reports it
          }
          start = i + 1;
        }
      }
    }
    return ends;
  }

  /** The median metrics interval: bins are never narrower. */
  private long typicalIntervalMillis() {
    List<Long> intervals = new ArrayList<>();
    for (List<MetricsPoint> points : metrics.values()) {
      for (MetricsPoint p : points) {
        if (p.intervalMillis > 0 && !p.finalLine) {
          intervals.add(p.intervalMillis);
        }
      }
    }
    if (intervals.isEmpty()) {
      return 0;
    }
    intervals.sort(null);
    return intervals.get(intervals.size() / 2);
  }

  // ---- latency*.hlog

  /**
   * Every interval in the window into the per-bin latencies. Lines are read in order, their
   * histograms decoded and binned in parallel, a batch at a time (a day of a dozen tools is 17,000
   * intervals; decoding is most of the work).
   */
  private void readLatencyLogs() throws IOException {
    int batchSize = 4096;
    List<LatencyLogReader.Interval> batch = new ArrayList<>(batchSize);
    for (Path log : files.latencyLogs()) {
      Path name = log.getFileName();
      String kind = "latency log " + (name == null ? log : name);
      long[] undecodable = {0};
      String[] firstUndecodable = {null};
      LatencyLogReader.Outcome outcome =
          LatencyLogReader.read(
              log,
              interval -> {
                Run.Process process = process(interval.instanceId());
                process.latencyIntervals++;
                process.seen(interval.startMillis());
                process.seen(interval.endMillis());
                if (run.window.contains(interval.endMillis())) {
                  batch.add(interval);
                  if (batch.size() == batchSize) {
                    decodeBatch(batch, log, undecodable, firstUndecodable);
                  }
                }
              },
              true);
      decodeBatch(batch, log, undecodable, firstUndecodable);
      long skipped = outcome.skippedLines() + undecodable[0];
      if (skipped > 0) {
        run.unreadable.add(
            new Run.Unreadable(
                kind,
                skipped,
                outcome.firstProblem() != null ? outcome.firstProblem() : firstUndecodable[0]));
      }
    }
    if (!latencies.isEmpty()) {
      run.latencySource = Run.Source.HLOG;
    }
  }

  private void decodeBatch(
      List<LatencyLogReader.Interval> batch, Path log, long[] undecodable, String[] first) {
    if (batch.isEmpty()) {
      return;
    }
    int parts = Math.min(THREADS, (batch.size() + 255) / 256);
    List<Callable<BinnedLatencies>> work = new ArrayList<>();
    List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int p = 0; p < parts; p++) {
      List<LatencyLogReader.Interval> slice =
          batch.subList(p * batch.size() / parts, (p + 1) * batch.size() / parts);
      work.add(
          () -> {
            BinnedLatencies part = new BinnedLatencies(run.bins);
            for (LatencyLogReader.Interval interval : slice) {
              try {
                part.add(
                    interval.tool(),
                    interval.endMillis(),
                    LatencyLogReader.decode(interval.payload()));
              } catch (DataFormatException | RuntimeException e) {
                problems.add(
                    log + ": an interval of " + interval.tool() + " cannot be decoded (" + e + ")");
              }
            }
            return part;
          });
    }
    try {
      for (BinnedLatencies part : runAll(work)) {
        latencies.addAll(part);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    undecodable[0] += problems.size();
    if (first[0] == null && !problems.isEmpty()) {
      first[0] = problems.get(0);
    }
    batch.clear();
  }

  // ---- traces.jsonl

  /** What one trace file adds up to; files are read in parallel, then added in order. */
  private final class TracePart {
    final Path file;
    final Map<String, long[]> counts = new HashMap<>();
    final Map<String, long[]> callsPerBin = new HashMap<>();
    final Map<String, long[]> errorsPerBin = new HashMap<>();
    final BinnedLatencies latencies;
    final ChainTotals chains = new ChainTotals();
    final Map<String, long[]> processes = new HashMap<>();
    final List<long[]> renderSpans = new ArrayList<>();
    final Map<String, String> strings = new HashMap<>();

    /** Per line in the window: its chain's hash, and where it is (offset << 16 | length). */
    long[] lineHashes = new long[1024];

    long[] lineRefs = new long[1024];
    int lines;
    long inWindow;
    long bad;
    String firstProblem;

    TracePart(Path file, boolean withLatencies) {
      this.file = file;
      this.latencies = withLatencies ? new BinnedLatencies(run.bins) : null;
    }

    void remember(long hash, long offset, int length) {
      if (lines == lineHashes.length) {
        lineHashes = Arrays.copyOf(lineHashes, lines * 2);
        lineRefs = Arrays.copyOf(lineRefs, lines * 2);
      }
      lineHashes[lines] = hash;
      lineRefs[lines] = offset << 16 | Math.min(length, 0xffff);
      lines++;
    }

    String intern(String value) {
      String known = strings.putIfAbsent(value, value);
      return known == null ? value : known;
    }
  }

  /**
   * Counts (without metrics), latencies (without a log), renders and chain totals from every trace
   * line; each line's chain and place are kept, so that the slowest chains' lines can be read again
   * without a second pass.
   */
  private List<TracePart> readTraces() throws IOException {
    boolean latenciesFromTraces = run.latencySource == Run.Source.NONE;
    boolean countsFromTraces = metrics.isEmpty();
    List<Callable<TracePart>> work = new ArrayList<>();
    List<Path> traceFiles = files.traces();
    for (Path file : traceFiles) {
      TracePart part = new TracePart(file, latenciesFromTraces);
      work.add(() -> readTraceFile(part));
    }
    List<TracePart> parts = runAll(work);
    ChainTotals chains = new ChainTotals();
    for (TracePart part : parts) {
      part.processes.forEach(
          (instance, figures) -> {
            Run.Process process = process(instance);
            process.traceLines += figures[0];
            process.seen(figures[1]);
            process.seen(figures[2]);
          });
      run.traceLinesInWindow += part.inWindow;
      if (part.latencies != null) {
        latencies.addAll(part.latencies);
      }
      if (countsFromTraces) {
        part.counts.forEach(
            (name, figures) -> {
              Run.Tool tool = tool(name);
              tool.calls += figures[0];
              tool.ok += figures[1];
              tool.err += figures[2];
              long[] calls = part.callsPerBin.get(name);
              long[] errors = part.errorsPerBin.get(name);
              for (int b = 0; b < calls.length; b++) {
                tool.callsPerBin[b] += calls[b];
                tool.errorsPerBin[b] += errors[b];
              }
            });
      }
      run.renderSpans.addAll(part.renderSpans);
      run.renders += part.renderSpans.size();
      chains.addAll(part.chains);
      if (part.bad > 0) {
        Path name = part.file.getFileName();
        run.unreadable.add(
            new Run.Unreadable(
                "traces " + (name == null ? part.file : name), part.bad, part.firstProblem));
      }
    }
    if (latenciesFromTraces && !latencies.isEmpty()) {
      run.latencySource = Run.Source.TRACES;
    }
    if (countsFromTraces && run.traceLinesInWindow > 0) {
      run.countsSource = Run.Source.TRACES;
    }
    run.chainsSeen = chains.size();
    readSlowestChains(chains, parts);
    return parts;
  }

  private TracePart readTraceFile(TracePart part) throws IOException {
    Path name = part.file.getFileName();
    String legacy = "traces of " + (name == null ? part.file : name);
    TraceLine line = new TraceLine();
    TimeBins bins = run.bins;
    JsonLines.forEach(
        part.file,
        (bytes, offset, length, lineNumber, fileOffset) -> {
          try {
            line.read(bytes, offset, length, false);
          } catch (IOException e) {
            part.bad++;
            if (part.firstProblem == null) {
              part.firstProblem = part.file + " line " + lineNumber + ": " + problem(e);
            }
            return;
          }
          String tool = part.intern(line.tool);
          long end = line.endMillis();
          long[] process =
              part.processes.computeIfAbsent(
                  line.instance == null ? legacy : part.intern(line.instance),
                  k -> new long[] {0, Long.MAX_VALUE, Long.MIN_VALUE});
          process[0]++;
          process[1] = Math.min(process[1], line.startMillis);
          process[2] = Math.max(process[2], end);
          if (!run.window.contains(end)) {
            return;
          }
          part.inWindow++;
          if (part.latencies != null) {
            part.latencies.record(tool, end, line.micros);
          }
          long[] counts = part.counts.computeIfAbsent(tool, k -> new long[3]);
          counts[0]++;
          counts[line.success ? 1 : 2]++;
          int bin = bins.indexOf(end);
          part.callsPerBin.computeIfAbsent(tool, k -> new long[bins.count()])[bin]++;
          long[] errors = part.errorsPerBin.computeIfAbsent(tool, k -> new long[bins.count()]);
          if (!line.success) {
            errors[bin]++;
          }
          if (RENDER_TOOL.equals(tool)) {
            part.renderSpans.add(new long[] {line.startMillis, end});
          }
          if (line.correlationHash != 0) {
            part.chains.add(line.correlationHash, line.root ? line.micros : 0);
            part.remember(line.correlationHash, fileOffset, length);
          }
        });
    return part;
  }

  /** The calls of the slowest chains: their lines read again where the first pass saw them. */
  private void readSlowestChains(ChainTotals chains, List<TracePart> parts) throws IOException {
    long[] slowest = chains.top(SLOWEST_CHAINS);
    if (slowest.length == 0) {
      return;
    }
    long[] sorted = slowest.clone();
    Arrays.sort(sorted);
    Map<String, List<Run.ChainCall>> calls = new LinkedHashMap<>();
    TraceLine line = new TraceLine();
    for (TracePart part : parts) {
      try (FileChannel channel = FileChannel.open(part.file, StandardOpenOption.READ)) {
        for (int i = 0; i < part.lines; i++) {
          if (Arrays.binarySearch(sorted, part.lineHashes[i]) < 0) {
            continue;
          }
          long offset = part.lineRefs[i] >>> 16;
          int length = (int) (part.lineRefs[i] & 0xffff);
          ByteBuffer buffer = ByteBuffer.allocate(length);
          while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) > 0) {
            // read the line
          }
          try {
            line.read(buffer.array(), 0, buffer.position(), true);
          } catch (IOException e) {
            continue; // longer than 64 KB (cut here), or changed since: left out
          }
          calls
              .computeIfAbsent(line.correlationId, k -> new ArrayList<>())
              .add(
                  new Run.ChainCall(
                      line.startMillis,
                      line.micros,
                      intern(line.tool),
                      line.success,
                      line.errorType,
                      line.seq,
                      line.parent,
                      line.inputSummary,
                      line.instance));
        }
      }
    }
    List<Run.Chain> chainList = new ArrayList<>();
    for (Map.Entry<String, List<Run.ChainCall>> entry : calls.entrySet()) {
      List<Run.ChainCall> chainCalls = entry.getValue();
      chainCalls.sort(
          Comparator.comparingLong(Run.ChainCall::startMillis)
              .thenComparingInt(Run.ChainCall::seq));
      long total = 0;
      for (Run.ChainCall c : chainCalls) {
        if (c.parent() == 0) {
          total += c.micros();
        }
      }
      List<Run.ChainCall> shown =
          chainCalls.size() > CHAIN_CALLS
              ? new ArrayList<>(chainCalls.subList(0, CHAIN_CALLS))
              : chainCalls;
      chainList.add(new Run.Chain(entry.getKey(), total, shown, chainCalls.size()));
    }
    chainList.sort(Comparator.comparingLong(Run.Chain::totalMicros).reversed());
    run.slowestChains.addAll(chainList.subList(0, Math.min(SLOWEST_CHAINS, chainList.size())));
  }

  /** Runs the tasks on the reader's threads; a task's failure is rethrown here. */
  private static <T> List<T> runAll(List<Callable<T>> tasks) throws IOException {
    if (tasks.size() <= 1 || THREADS == 1) {
      List<T> results = new ArrayList<>();
      for (Callable<T> task : tasks) {
        results.add(call(task));
      }
      return results;
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(THREADS, tasks.size()),
            task -> {
              Thread thread = new Thread(task, "report-reader");
              thread.setDaemon(true);
              return thread;
            });
    try {
      List<T> results = new ArrayList<>();
      for (Future<T> future : pool.invokeAll(tasks)) {
        try {
          results.add(future.get());
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof IOException io) {
            throw io;
          }
          if (cause instanceof RuntimeException runtime) {
            throw runtime;
          }
          throw new IllegalStateException(cause);
        }
      }
      return results;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } finally {
      pool.shutdownNow();
    }
  }

  private static <T> T call(Callable<T> task) throws IOException {
    try {
      return task.call();
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- from the metrics points

  private void buildFromMetrics() {
    if (!metrics.isEmpty()) {
      run.countsSource = Run.Source.METRICS;
    }
    TimeBins bins = run.bins;
    for (Map.Entry<String, List<MetricsPoint>> entry : metrics.entrySet()) {
      String instance = entry.getKey();
      List<MetricsPoint> points = entry.getValue();
      Run.Process process = process(instance);
      Map<String, List<double[]>> probeValues = new TreeMap<>();
      List<double[]> sessions = new ArrayList<>();
      List<double[]> heap = new ArrayList<>();
      List<double[]> gpuUtil = new ArrayList<>();
      List<double[]> vram = new ArrayList<>();
      long lastGpuAt = Long.MIN_VALUE;
      MetricsPoint previous = null;
      for (MetricsPoint p : points) {
        process.metricsLines++;
        process.seen(p.intervalStartMillis());
        process.seen(p.tsMillis);
        process.finalLine |= p.finalLine;
        if (p.serviceName != null) {
          process.serviceName = p.serviceName;
        }
        if (p.version != null) {
          process.version = p.version;
        }
        process.pid = p.pid;
        process.agent.putAll(p.agent);
        process.gpuErrors.putAll(p.gpuErrors);
        if (previous != null
            && p.intervalMillis > 0
            && p.tsMillis - previous.tsMillis > 2 * p.intervalMillis + 1000) {
          process.gaps.add(new long[] {previous.tsMillis, p.intervalStartMillis()});
        }
        previous = p;
        if (!run.window.contains(p.tsMillis)) {
          continue;
        }
        int bin = bins.indexOf(p.tsMillis);
        for (Map.Entry<String, MetricsPoint.ToolCounts> t : p.intervalTools.entrySet()) {
          Run.Tool tool = tool(t.getKey());
          tool.callsPerBin[bin] += t.getValue().calls();
          tool.errorsPerBin[bin] += t.getValue().err();
          if (!run.window.isAll()) {
            tool.calls += t.getValue().calls();
            tool.ok += t.getValue().ok();
            tool.err += t.getValue().err();
          }
        }
        for (Map.Entry<String, long[]> l : p.intervalLimiters.entrySet()) {
          run.limiterRejectedPerBin.computeIfAbsent(l.getKey(), k -> new long[bins.count()])[bin] +=
              l.getValue()[1];
          long[] totals = run.limiterTotals.computeIfAbsent(l.getKey(), k -> new long[2]);
          totals[0] += l.getValue()[0];
          totals[1] += l.getValue()[1];
        }
        if (!Double.isNaN(p.sessions)) {
          sessions.add(new double[] {p.tsMillis, p.sessions});
        }
        if (!Double.isNaN(p.heapUsed)) {
          heap.add(new double[] {p.tsMillis, p.heapUsed / MIB});
        }
        if (!Double.isNaN(p.heapMax)) {
          run.heapMaxMiB =
              Double.isNaN(run.heapMaxMiB)
                  ? p.heapMax / MIB
                  : Math.max(run.heapMaxMiB, p.heapMax / MIB);
        }
        p.probes.forEach(
            (name, value) ->
                probeValues
                    .computeIfAbsent(name, k -> new ArrayList<>())
                    .add(new double[] {p.tsMillis, value}));
        if (p.gpuSource != null) {
          run.gpuSources.add(p.gpuSource);
        }
        if (p.gpu != null
            && p.gpu.atMillis() != lastGpuAt
            && run.window.contains(p.gpu.atMillis())) {
          lastGpuAt = p.gpu.atMillis();
          gpuUtil.add(new double[] {p.gpu.atMillis(), p.gpu.utilizationPct()});
          vram.add(new double[] {p.gpu.atMillis(), p.gpu.vramUsedBytes() / GIB});
          if (!Double.isNaN(p.gpu.vramTotalBytes())) {
            run.vramTotalGiB =
                Double.isNaN(run.vramTotalGiB)
                    ? p.gpu.vramTotalBytes() / GIB
                    : Math.max(run.vramTotalGiB, p.gpu.vramTotalBytes() / GIB);
          }
        }
      }
      if (run.window.isAll() && !points.isEmpty()) {
        // Whole run: the last line's since-start totals, which rotation cannot have cut.
        MetricsPoint last = points.get(points.size() - 1);
        for (Map.Entry<String, MetricsPoint.ToolCounts> t : last.totalTools.entrySet()) {
          Run.Tool tool = tool(t.getKey());
          tool.calls += t.getValue().calls();
          tool.ok += t.getValue().ok();
          tool.err += t.getValue().err();
        }
      }
      addSeries(run.sessions, instance, sessions);
      addSeries(run.heapUsedMiB, instance, heap);
      addSeries(run.gpuUtilization, instance, gpuUtil);
      addSeries(run.vramUsedGiB, instance, vram);
      probeValues.forEach(
          (name, values) ->
              addSeries(
                  run.probes.computeIfAbsent(name, k -> new ArrayList<>()), instance, values));
      breakers(instance, points);
    }
  }

  private void addSeries(List<Run.Series> into, String instance, List<double[]> values) {
    if (values.stream().allMatch(v -> Double.isNaN(v[1]))) {
      return; // e.g. utilisation from a source that gives VRAM only
    }
    long[] times = new long[values.size()];
    double[] v = new double[values.size()];
    for (int i = 0; i < values.size(); i++) {
      times[i] = (long) values.get(i)[0];
      v[i] = values.get(i)[1];
    }
    into.add(new Run.Series(instance, Downsample.keepingMax(times, v, run.bins)));
  }

  /** Each breaker's states over time: transitions where listed, line states otherwise. */
  private void breakers(String instance, List<MetricsPoint> points) {
    Map<String, List<Object[]>> events = new TreeMap<>();
    for (MetricsPoint p : points) {
      for (MetricsPoint.Transition t : p.transitions) {
        events
            .computeIfAbsent(t.breaker(), k -> new ArrayList<>())
            .add(new Object[] {t.atMillis(), t.from(), t.to()});
      }
      p.breakerStates.forEach(
          (breaker, state) ->
              events
                  .computeIfAbsent(breaker, k -> new ArrayList<>())
                  .add(new Object[] {p.tsMillis, null, state}));
    }
    long start = Math.max(run.firstMillis, points.get(0).intervalStartMillis());
    long end = Math.min(run.lastMillis, points.get(points.size() - 1).tsMillis);
    if (end <= start) {
      return;
    }
    for (Map.Entry<String, List<Object[]>> breaker : events.entrySet()) {
      List<Object[]> list = breaker.getValue();
      list.sort(Comparator.comparingLong(e -> (Long) e[0]));
      Object[] first = list.get(0);
      String state = first[1] != null ? (String) first[1] : (String) first[2];
      List<Run.Segment> segments = new ArrayList<>();
      long from = start;
      long transitions = 0;
      for (Object[] e : list) {
        long at = (Long) e[0];
        String next = (String) e[2];
        if (e[1] != null) {
          transitions++;
        }
        if (next == null || next.equals(state)) {
          continue;
        }
        long clipped = Math.max(start, Math.min(end, at));
        if (clipped > from) {
          segments.add(new Run.Segment(from, clipped, state));
          from = clipped;
        }
        state = next;
      }
      if (end > from) {
        segments.add(new Run.Segment(from, end, state));
      }
      run.breakers.add(new Run.BreakerTimeline(breaker.getKey(), instance, segments, transitions));
    }
  }

  /** Per-bin latencies and whole-run percentiles of every tool. */
  private void buildTools() {
    Map<String, org.HdrHistogram.Histogram> whole = latencies.wholeRun();
    for (String name : whole.keySet()) {
      tool(name);
    }
    for (Run.Tool tool : run.tools.values()) {
      org.HdrHistogram.Histogram h = whole.get(tool.name);
      if (h != null && h.getTotalCount() > 0) {
        tool.latencies = h;
        tool.p50 = h.getValueAtPercentile(50) / 1000.0;
        tool.p95 = h.getValueAtPercentile(95) / 1000.0;
        tool.p99 = h.getValueAtPercentile(99) / 1000.0;
        tool.max = h.getMaxValue() / 1000.0;
        tool.perBin = latencies.percentiles(tool.name);
      } else if (run.window.isAll() && metrics.size() == 1) {
        List<MetricsPoint> points = metrics.values().iterator().next();
        MetricsPoint.ToolCounts total = points.get(points.size() - 1).totalTools.get(tool.name);
        if (total != null) {
          tool.p50 = total.p50();
          tool.p95 = total.p95();
          tool.p99 = total.p99();
          tool.max = total.max();
        }
      }
    }
    if (run.latencySource == Run.Source.NONE
        && run.tools.values().stream().anyMatch(t -> !Double.isNaN(t.p50))) {
      run.latencySource = Run.Source.METRICS;
    }
  }

  /** What is wrong with a line, without the parser's source description. */
  private static String problem(Exception e) {
    if (e instanceof com.fasterxml.jackson.core.JsonProcessingException json) {
      return json.getOriginalMessage()
          + (json.getLocation() == null
              ? ""
              : " (column " + json.getLocation().getColumnNr() + ")");
    }
    return e.getMessage();
  }

  private Run.Tool tool(String name) {
    return run.tools.computeIfAbsent(
        name,
        n -> {
          Run.Tool t = new Run.Tool(n);
          t.callsPerBin = new long[run.bins.count()];
          t.errorsPerBin = new long[run.bins.count()];
          return t;
        });
  }

  private Run.Process process(String instance) {
    return run.processes.computeIfAbsent(instance, Run.Process::new);
  }

  private String intern(String value) {
    String known = strings.putIfAbsent(value, value);
    return known == null ? value : known;
  }
}
