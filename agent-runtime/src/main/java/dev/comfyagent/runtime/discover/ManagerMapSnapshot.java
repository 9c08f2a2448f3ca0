package dev.comfyagent.runtime.discover;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reading of the files, in compact tables rather than a map of lists: the distinct node types
 * in an array in the order the map first lists them, an open-addressing table of their indexes by
 * name, and each one's providers (most node types have one pack, whose singleton list all of its
 * node types share), and the packs that name their node types by a pattern.
 *
 * <p>Usage: a {@link Builder} takes the packs as they are read; {@link #providers} then finds a
 * node type's packs with one probe. Immutable once built, and thread-safe.
 */
final class ManagerMapSnapshot {

  private static final Logger log = LoggerFactory.getLogger(ManagerNodeMap.class);

  private static final AtomicLong GENERATIONS = new AtomicLong();

  private final List<NodePack> packs;
  private final List<String> nodeTypes;
  private final String[] names;
  private final int[] slots;
  private final List<NodePack>[] providers;
  private final List<PatternPack> patterns;
  private final String source;
  private final String problem;
  private final long generation;

  private ManagerMapSnapshot(Builder b, String source, String problem) {
    this.packs = List.copyOf(b.packs);
    this.names = Arrays.copyOf(b.names, b.count);
    this.nodeTypes = Collections.unmodifiableList(Arrays.asList(names));
    this.slots = b.slots;
    this.providers = Arrays.copyOf(b.providers, b.count);
    this.patterns = List.copyOf(b.patterns);
    this.source = source;
    this.problem = problem;
    this.generation = GENERATIONS.incrementAndGet();
  }

  static ManagerMapSnapshot empty(String problem) {
    return new Builder().build(null, problem);
  }

  List<NodePack> packs() {
    return packs;
  }

  List<String> nodeTypes() {
    return nodeTypes;
  }

  List<PatternPack> patterns() {
    return patterns;
  }

  String source() {
    return source;
  }

  String problem() {
    return problem;
  }

  long generation() {
    return generation;
  }

  /** The packs listing {@code nodeType} by name, the preempting ones first; null when none. */
  List<NodePack> providers(String nodeType) {
    int mask = slots.length - 1;
    for (int at = spread(nodeType.hashCode()) & mask; ; at = (at + 1) & mask) {
      int slot = slots[at];
      if (slot == 0) {
        return null;
      }
      if (names[slot - 1].equals(nodeType)) {
        return providers[slot - 1];
      }
    }
  }

  private static int spread(int hash) {
    return (hash ^ (hash >>> 16)) * 0x9E3779B9;
  }

  /** Takes packs as they are read and files their node types. */
  static final class Builder {
    private final List<NodePack> packs = new ArrayList<>();
    private final List<PatternPack> patterns = new ArrayList<>();
    private String[] names = new String[1024];
    private List<NodePack>[] providers = newLists(1024);

    /** Slot {@code i} holds 1 + the index of a node type in {@link #names}, 0 when free. */
    private int[] slots = new int[2048];

    private int count;

    /** Node types that more than one pack lists, by index, their providers being growable. */
    private final List<Integer> shared = new ArrayList<>();

    void add(NodePack pack) {
      packs.add(pack);
      // Most node types have one provider: they share one immutable list per pack.
      List<NodePack> alone = List.of(pack);
      for (String nodeType : pack.nodeTypes()) {
        int index = indexOf(nodeType);
        if (index < 0) {
          index = append(nodeType);
          providers[index] = alone;
        } else {
          List<NodePack> listed = providers[index];
          if (!(listed instanceof ArrayList)) {
            listed = new ArrayList<>(listed);
            providers[index] = listed;
            shared.add(index);
          }
          listed.add(pack);
        }
      }
      if (!pack.nodeNamePattern().isEmpty()) {
        try {
          patterns.add(new PatternPack(Pattern.compile(pack.nodeNamePattern()), pack));
        } catch (PatternSyntaxException e) {
          log.debug(
              "nodename_pattern of {} is not a Java regular expression: {}",
              pack.repoUrl(),
              e.getDescription());
        }
      }
    }

    ManagerMapSnapshot build(String source, String problem) {
      for (int index : shared) {
        String nodeType = names[index];
        List<NodePack> listed = providers[index];
        // A pack that declares a preemption wins the name over the others (a stable sort).
        listed.sort(
            (a, b) ->
                Boolean.compare(
                    b.preemptions().contains(nodeType), a.preemptions().contains(nodeType)));
        providers[index] = List.copyOf(listed);
      }
      return new ManagerMapSnapshot(this, source, problem);
    }

    private int indexOf(String nodeType) {
      int mask = slots.length - 1;
      for (int at = spread(nodeType.hashCode()) & mask; ; at = (at + 1) & mask) {
        int slot = slots[at];
        if (slot == 0) {
          return -1;
        }
        if (names[slot - 1].equals(nodeType)) {
          return slot - 1;
        }
      }
    }

    private int append(String nodeType) {
      if (count == names.length) {
        names = Arrays.copyOf(names, count * 2);
        providers = Arrays.copyOf(providers, count * 2);
      }
      names[count] = nodeType;
      count++;
      // At most half full, so that probes stay short.
      if (count * 2 > slots.length) {
        slots = new int[slots.length * 2];
        for (int i = 0; i < count; i++) {
          place(i);
        }
      } else {
        place(count - 1);
      }
      return count - 1;
    }

    private void place(int index) {
      int mask = slots.length - 1;
      int at = spread(names[index].hashCode()) & mask;
      while (slots[at] != 0) {
        at = (at + 1) & mask;
      }
      slots[at] = index + 1;
    }

    @SuppressWarnings("unchecked")
    private static List<NodePack>[] newLists(int length) {
      return (List<NodePack>[]) new List<?>[length];
    }
  }

  /** A pack that provides the node types whose names its pattern finds. */
  record PatternPack(Pattern pattern, NodePack pack) {}
}
