package dev.comfyagent.instrument.report;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report's slowest tool chains: the correlation ids with the most time in their outermost calls
 * ({@link ChainTotals#top}), their calls read again from the trace files at the places the first
 * pass remembered (no second pass over the files), each chain's calls in start order.
 */
final class SlowestChains {

  private final Run run;
  private final Map<String, String> strings = new HashMap<>();

  SlowestChains(Run run) {
    this.run = run;
  }

  /** The calls of the slowest chains: their lines read again where the first pass saw them. */
  void read(ChainTotals chains, List<TraceFiles.TracePart> parts) throws IOException {
    long[] slowest = chains.top(RunReader.SLOWEST_CHAINS);
    if (slowest.length == 0) {
      return;
    }
    long[] sorted = slowest.clone();
    Arrays.sort(sorted);
    Map<String, List<Run.ChainCall>> calls = new LinkedHashMap<>();
    TraceLine line = new TraceLine();
    for (TraceFiles.TracePart part : parts) {
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
          chainCalls.size() > RunReader.CHAIN_CALLS
              ? new ArrayList<>(chainCalls.subList(0, RunReader.CHAIN_CALLS))
              : chainCalls;
      chainList.add(new Run.Chain(entry.getKey(), total, shown, chainCalls.size()));
    }
    chainList.sort(Comparator.comparingLong(Run.Chain::totalMicros).reversed());
    run.slowestChains.addAll(
        chainList.subList(0, Math.min(RunReader.SLOWEST_CHAINS, chainList.size())));
  }

  private String intern(String value) {
    String known = strings.putIfAbsent(value, value);
    return known == null ? value : known;
  }
}
