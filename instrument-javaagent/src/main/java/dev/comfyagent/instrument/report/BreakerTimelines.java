package dev.comfyagent.instrument.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Each circuit breaker's states over the run, as segments: from the transitions the metrics lines
 * list, and from the states each line reports where transitions came too fast to be listed.
 */
final class BreakerTimelines {

  private BreakerTimelines() {}

  /** Each breaker's states over time: transitions where listed, line states otherwise. */
  static void add(Run run, String instance, List<MetricsPoint> points) {
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
}
