package dev.comfyagent.instrument.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Reads traces.jsonl files, one file per thread, streaming (a million lines are never held): the
 * processes' trace lines, the renders, the chain totals, and, when metrics or latency logs are
 * missing, the counts and latencies; then hands each line's place to {@link SlowestChains}.
 */
final class TraceFiles {

  private final Run run;
  private final BinnedLatencies latencies;

  /**
   * @param run where the figures go, with its window and bins set
   * @param latencies where latencies from traces go (used only when no latency log had any)
   */
  TraceFiles(Run run, BinnedLatencies latencies) {
    this.run = run;
    this.latencies = latencies;
  }

  /** What one trace file adds up to; files are read in parallel, then added in order. */
  static final class TracePart {
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

    TracePart(Path file, TimeBins bins, boolean withLatencies) {
      this.file = file;
      this.latencies = withLatencies ? new BinnedLatencies(bins) : null;
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
  List<TracePart> read(List<Path> traceFiles, boolean countsFromTraces) throws IOException {
    boolean latenciesFromTraces = run.latencySource == Run.Source.NONE;
    List<Callable<TracePart>> work = new ArrayList<>();
    for (Path file : traceFiles) {
      TracePart part = new TracePart(file, run.bins, latenciesFromTraces);
      work.add(() -> readTraceFile(part));
    }
    List<TracePart> parts = ParallelReads.runAll(work);
    ChainTotals chains = new ChainTotals();
    for (TracePart part : parts) {
      part.processes.forEach(
          (instance, figures) -> {
            Run.Process process = run.process(instance);
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
              Run.Tool tool = run.tool(name);
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
    new SlowestChains(run).read(chains, parts);
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
              part.firstProblem = part.file + " line " + lineNumber + ": " + JsonLines.problem(e);
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
          if (RunReader.RENDER_TOOL.equals(tool)) {
            part.renderSpans.add(new long[] {line.startMillis, end});
          }
          if (line.correlationHash != 0) {
            part.chains.add(line.correlationHash, line.root ? line.micros : 0);
            part.remember(line.correlationHash, fileOffset, length);
          }
        });
    return part;
  }

  /**
   * The first call's start and the last call's end in a trace file, from its first and last 64 KB
   * (lines are written as calls end, so nearly in order).
   */
  static long[] fileEnds(Path file) throws IOException {
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
}
