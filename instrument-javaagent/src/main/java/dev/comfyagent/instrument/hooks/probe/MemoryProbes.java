package dev.comfyagent.instrument.hooks.probe;

import dev.comfyagent.instrument.emit.MetricsSection;
import dev.comfyagent.instrument.host.SizeMethod;
import dev.comfyagent.instrument.weave.InstanceListener;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Memory probes: the live instances of configured classes, seen as they are constructed and held
 * weakly, and a size read from each of them whenever figures are asked for (a metrics line, a
 * {@code get_agent_stats} call), summed per probe. Also the JVM's heap in use and its maximum.
 *
 * <p><b>What a value means.</b> A probe's value is the sum of its method's results over the
 * instances that were constructed after the agent started (or, after a late attach, used since) and
 * that the garbage collector has not cleared yet. An instance that is no longer reachable but not
 * yet collected (a closed session's undo history until the next GC) still counts: the agent cannot
 * tell it from a live one without forcing a collection, which it never does. {@code instances} says
 * how many were read, {@code max} the largest single value.
 *
 * <p><b>Failures.</b> A class without a usable method, a class not on the application class path,
 * and a size method that throws are each reported once (one stderr line through {@code notices},
 * and in the figures) and skipped; the host never sees them.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * MemoryProbes probes = new MemoryProbes(specs, notice -> AgentHealth.diagnostic(notice));
 * agent.addWeaveTarget(new InstanceCaptureWeave(probes.classNames(), agent.attachedLate()));
 * agent.addInstanceListener(probes);
 * agent.addMetricsSection(probes);
 * }</pre>
 *
 * <p>Thread-safe. Size methods are called on the agent's metrics thread and on the thread of a
 * stats request, so they must be cheap and thread-safe themselves (those of the built-in profile
 * read a field or a concurrent map).
 */
public final class MemoryProbes implements InstanceListener, MetricsSection {

  /** The key of this section in a metrics line. */
  public static final String SECTION = "memory";

  /** Most instances tracked per probe. */
  static final int MAX_INSTANCES = 65_536;

  private final List<Probe> probes = new ArrayList<>();
  private final Map<String, List<Probe>> byClass = new LinkedHashMap<>();
  private final Consumer<String> notices;
  private final Runtime runtime = Runtime.getRuntime();

  /**
   * @param specs the probes to run
   * @param notices receives one line per problem (a probe skipped, a size method that threw)
   */
  public MemoryProbes(List<ProbeSpec> specs, Consumer<String> notices) {
    this.notices = notices;
    for (ProbeSpec spec : specs) {
      Probe probe = new Probe(spec);
      probes.add(probe);
      byClass.computeIfAbsent(spec.className(), k -> new ArrayList<>()).add(probe);
    }
  }

  /** The classes whose instances the probes read. */
  public Set<String> classNames() {
    return Collections.unmodifiableSet(byClass.keySet());
  }

  /**
   * Reports, once, each user-configured probe whose class is not on the application class path
   * ({@code loader}'s resources; nothing is loaded). Such a probe reads as skipped until an
   * instance of a class of that name appears (from another class loader, say).
   */
  public void checkClassPath(ClassLoader loader) {
    for (Probe probe : probes) {
      if (probe.spec.builtIn() || loader == null) {
        continue;
      }
      String resource = probe.spec.className().replace('.', '/') + ".class";
      boolean present;
      try {
        present = loader.getResource(resource) != null;
      } catch (RuntimeException e) {
        present = true; // cannot tell: wait for instances
      }
      if (!present) {
        probe.missing =
            "class "
                + probe.spec.className()
                + " is not on the application class path (no instance seen)";
        notices.accept(
            "probe "
                + probe.spec.name()
                + " ("
                + probe.spec.target()
                + ") is skipped: "
                + probe.missing);
      }
    }
  }

  @Override
  public void seen(Class<?> declaringType, Object instance) {
    List<Probe> interested = byClass.get(declaringType.getName());
    if (interested == null) {
      return;
    }
    for (Probe probe : interested) {
      if (probe.method(declaringType) != null) {
        probe.instances.add(instance);
      }
    }
  }

  @Override
  public String name() {
    return SECTION;
  }

  @Override
  public Map<String, ?> figures(boolean lineEnds) {
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("heap_used_bytes", runtime.totalMemory() - runtime.freeMemory());
    long max = runtime.maxMemory();
    figures.put("heap_max_bytes", max == Long.MAX_VALUE ? null : max);
    Map<String, Object> values = new LinkedHashMap<>();
    for (Probe probe : probes) {
      Map<String, Object> value = probe.read();
      if (value != null) {
        values.put(probe.spec.name(), value);
      }
    }
    figures.put("probes", values);
    return figures;
  }

  /** One probe's state: its size method once resolved, or why it is skipped; its instances. */
  private final class Probe {
    private final ProbeSpec spec;
    private final WeakInstances instances = new WeakInstances(MAX_INSTANCES);
    private final AtomicLong readErrors = new AtomicLong();
    private final AtomicBoolean readErrorReported = new AtomicBoolean();
    private final AtomicBoolean overflowReported = new AtomicBoolean();
    private volatile SizeMethod method;
    private volatile String skipped;
    private volatile String missing;

    Probe(ProbeSpec spec) {
      this.spec = spec;
    }

    /** The size method, resolved on the first instance; null when the probe is skipped. */
    SizeMethod method(Class<?> type) {
      SizeMethod known = method;
      if (known != null || skipped != null) {
        return known;
      }
      synchronized (this) {
        if (method == null && skipped == null) {
          try {
            method = SizeMethod.find(type, spec.methodName());
            missing = null;
          } catch (IllegalArgumentException | LinkageError e) {
            skipped = e.getMessage();
            notices.accept(
                "probe " + spec.name() + " (" + spec.target() + ") is skipped: " + skipped);
          }
        }
        return method;
      }
    }

    /** The probe's figures now, or null when it has nothing to say (a built-in never seen). */
    Map<String, Object> read() {
      Map<String, Object> figures = new LinkedHashMap<>();
      String reason = skipped != null ? skipped : missing;
      if (reason != null) {
        figures.put("skipped", reason);
        return figures;
      }
      SizeMethod size = method;
      if (size == null) {
        if (spec.builtIn()) {
          return null;
        }
        figures.put("value", null);
        figures.put("instances", 0);
        return figures;
      }
      long sum = 0;
      long largest = 0;
      int read = 0;
      for (Object instance : instances.live()) {
        try {
          long value = size.read(instance);
          sum += value;
          largest = read == 0 ? value : Math.max(largest, value);
          read++;
        } catch (Throwable e) {
          failed(e);
        }
      }
      figures.put("value", read == 0 ? null : sum);
      figures.put("instances", read);
      figures.put("max", read == 0 ? null : largest);
      long errors = readErrors.get();
      if (errors > 0) {
        figures.put("read_errors", errors);
      }
      if (instances.overflowed() && overflowReported.compareAndSet(false, true)) {
        notices.accept(
            "probe "
                + spec.name()
                + " ("
                + spec.target()
                + ") tracks at most "
                + MAX_INSTANCES
                + " instances; more were built and are not counted");
      }
      if (instances.overflowed()) {
        figures.put("capped_at", MAX_INSTANCES);
      }
      return figures;
    }

    private void failed(Throwable e) {
      if (e instanceof VirtualMachineError error && !(e instanceof StackOverflowError)) {
        throw error;
      }
      readErrors.incrementAndGet();
      if (readErrorReported.compareAndSet(false, true)) {
        notices.accept(
            "probe "
                + spec.name()
                + ": "
                + spec.target()
                + " threw "
                + e
                + "; that instance is left out (further failures are only counted)");
      }
    }
  }
}
