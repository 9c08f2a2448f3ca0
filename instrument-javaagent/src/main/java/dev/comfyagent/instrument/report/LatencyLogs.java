package dev.comfyagent.instrument.report;

import dev.comfyagent.instrument.fleet.LatencyLogReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.zip.DataFormatException;

/**
 * Reads latency*.hlog files (the agent's HdrHistogram interval logs) into per-bin latencies: the
 * exact latencies of every process, added up per bin. Each process's intervals are counted on its
 * {@link Run.Process}; undecodable intervals are counted as unreadable lines.
 */
final class LatencyLogs {

  private final Run run;
  private final BinnedLatencies latencies;

  /**
   * @param run where processes and unreadable lines are counted, with its window and bins set
   * @param latencies where the intervals in the window go
   */
  LatencyLogs(Run run, BinnedLatencies latencies) {
    this.run = run;
    this.latencies = latencies;
  }

  /**
   * Every interval in the window into the per-bin latencies. Lines are read in order, their
   * histograms decoded and binned in parallel, a batch at a time (a day of a dozen tools is 17,000
   * intervals; decoding is most of the work).
   */
  void read(List<Path> logs) throws IOException {
    int batchSize = 4096;
    List<LatencyLogReader.Interval> batch = new ArrayList<>(batchSize);
    for (Path log : logs) {
      Path name = log.getFileName();
      String kind = "latency log " + (name == null ? log : name);
      long[] undecodable = {0};
      String[] firstUndecodable = {null};
      LatencyLogReader.Outcome outcome =
          LatencyLogReader.read(
              log,
              interval -> {
                Run.Process process = run.process(interval.instanceId());
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
    int parts = Math.min(ParallelReads.THREADS, (batch.size() + 255) / 256);
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
      for (BinnedLatencies part : ParallelReads.runAll(work)) {
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
}
