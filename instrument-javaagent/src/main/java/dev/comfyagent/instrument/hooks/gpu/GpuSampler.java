package dev.comfyagent.instrument.hooks.gpu;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Samples GPU utilisation and VRAM on one daemon thread ({@value #THREAD_NAME}): often (default
 * every second) while a GPU-bound tool runs, rarely (default every minute) otherwise, and at once
 * when a tool call opens or closes its {@link GpuWindow}.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * GpuSampler sampler = GpuSampler.start(GpuSettings.fromOptions(options), notices::add);
 * GpuWindow window = sampler.open();          // at the start of execute_workflow
 * GpuReading gpu = window.close();             // at its end
 * text = RenderTimeSuffix.insertAfterRenderTime(text, gpu);
 * sampler.lastReading();                       // for metrics and get_agent_stats
 * sampler.close();                             // at shutdown
 * }</pre>
 *
 * <p>Faults never escape: a missing, failing, hanging or garbage-printing nvidia-smi, an
 * unreachable ComfyUI, even a defect in the sampler itself, end as a {@link GpuFault} counted in
 * {@link #stats()} and announced once per kind to the notice consumer; the thread samples on. It
 * prints nothing. With {@code gpu=off} no thread is started and every window reads {@link
 * GpuReading#disabled()}.
 *
 * <p>Thread safe: {@link #open()}, {@link GpuWindow#close()}, {@link #lastSample()} and {@link
 * #stats()} may be called from any thread.
 */
public final class GpuSampler implements AutoCloseable {

  /** The name of the sampling thread. */
  public static final String THREAD_NAME = "comfyagent-gpu-sampler";

  private static final Duration CLOSE_GRACE = Duration.ofMillis(250);

  private final GpuSettings settings;
  private final GpuSource source;
  private final Consumer<String> notices;
  private final Thread thread;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private final Condition attemptDone = lock.newCondition();
  // Guarded by lock:
  private boolean stopped;
  private boolean sampleRequested = true; // the first sample is taken at start
  private long attemptsStarted;
  private long attemptsCompleted;
  private boolean lastAttemptFailed;

  private final Set<GpuWindow> openWindows = ConcurrentHashMap.newKeySet();
  private final Map<GpuFaultKind, AtomicLong> errors = new EnumMap<>(GpuFaultKind.class);
  private final Set<GpuFaultKind> announced = EnumSet.noneOf(GpuFaultKind.class);
  private final AtomicLong samples = new AtomicLong();
  private volatile GpuSample lastSample;
  private volatile GpuFault lastFault;
  private volatile Instant lastFaultAt;

  private GpuSampler(
      GpuSettings settings, GpuSource source, Consumer<String> notices, boolean enabled) {
    this.settings = settings;
    this.source = source;
    this.notices = notices;
    for (GpuFaultKind kind : GpuFaultKind.values()) {
      errors.put(kind, new AtomicLong());
    }
    if (enabled) {
      thread = new Thread(this::sampleUntilStopped, THREAD_NAME);
      thread.setDaemon(true);
    } else {
      thread = null;
    }
  }

  /**
   * Starts sampling as the settings say, on this JVM's host.
   *
   * @param notices receives one line for the source chosen and for the first fault of each kind
   *     (the agent routes it to its own log; never stdout); must not block
   */
  public static GpuSampler start(GpuSettings settings, Consumer<String> notices) {
    return start(settings, HostEnvironment.current(), notices);
  }

  /**
   * Starts sampling as the settings say, looking for nvidia-smi in the given host environment.
   *
   * @see #start(GpuSettings, Consumer)
   */
  public static GpuSampler start(
      GpuSettings settings, HostEnvironment host, Consumer<String> notices) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(notices, "notices");
    if (settings.mode() == GpuMode.OFF) {
      return new GpuSampler(settings, null, notices, false);
    }
    Clock clock = Clock.systemUTC();
    NvidiaSmiSource nvidiaSmi =
        new NvidiaSmiSource(host, settings.nvidiaSmiPath(), settings.commandTimeout(), clock);
    ComfyUiSystemStatsSource comfyUi =
        new ComfyUiSystemStatsSource(
            settings.comfyUiHost(), settings.comfyUiPort(), settings.commandTimeout(), clock);
    GpuSource source =
        switch (settings.mode()) {
          case NVIDIA_SMI -> nvidiaSmi;
          case COMFYUI -> comfyUi;
          default -> new AutoGpuSource(nvidiaSmi, comfyUi, quiet(notices));
        };
    return start(settings, source, notices);
  }

  /** Starts sampling from the given source (tests inject sources that misbehave on purpose). */
  static GpuSampler start(GpuSettings settings, GpuSource source, Consumer<String> notices) {
    GpuSampler sampler = new GpuSampler(settings, source, quiet(notices), true);
    sampler.thread.start();
    return sampler;
  }

  /** Whether sampling runs ({@code gpu} is not {@code off}). */
  public boolean isEnabled() {
    return thread != null;
  }

  /** The settings sampled by. */
  public GpuSettings settings() {
    return settings;
  }

  /**
   * Opens a window for one GPU-bound tool call: asks for a sample now and samples at the busy
   * interval until every open window is closed. Never blocks, never throws.
   */
  public GpuWindow open() {
    if (!isEnabled()) {
      return new GpuWindow(null, 0);
    }
    lock.lock();
    try {
      GpuWindow window = new GpuWindow(this, attemptsStarted + 1);
      if (!stopped) {
        openWindows.add(window);
        requestSample();
      }
      return window;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Called by {@link GpuWindow#close()}: while the source is healthy, asks for a closing sample and
   * waits for it; after a failed read, only waits for the window's own opening sample if that is
   * still running (so a broken source costs a short call one timeout at most, never two); then
   * stops offering samples to the window. Every wait is bounded.
   */
  void closeWindow(GpuWindow window) {
    try {
      long target;
      boolean wait;
      lock.lock();
      try {
        if (lastAttemptFailed) {
          target = window.firstAttempt();
        } else {
          target = attemptsStarted + 1;
          requestSample();
        }
        wait = !stopped && openWindows.contains(window) && attemptsCompleted < target;
      } finally {
        lock.unlock();
      }
      if (wait) {
        awaitAttempt(target, settings.commandTimeout().multipliedBy(2).plus(CLOSE_GRACE));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      openWindows.remove(window);
    }
  }

  /** The most recent read, successful or not; empty before the first one finished. */
  public Optional<GpuSample> lastSample() {
    return Optional.ofNullable(lastSample);
  }

  /**
   * The most recent read as a reading of the reported GPU ({@code gpu.index}, else the busiest):
   * {@link GpuReading#disabled()} when off, a reading without samples when the read failed.
   */
  public GpuReading lastReading() {
    if (!isEnabled()) {
      return GpuReading.disabled();
    }
    GpuSample sample = lastSample;
    if (sample == null) {
      return GpuReading.none(activeSource());
    }
    return sample
        .select(settings.gpuIndex())
        .map(device -> GpuReading.of(sample.source(), device))
        .orElseGet(() -> GpuReading.none(sample.source()));
  }

  /**
   * The source in use: {@code nvidia-smi}, {@code comfyui}, {@code auto} until the first read
   * decided, or {@code off}.
   */
  public String activeSource() {
    return source == null ? GpuReading.OFF : source.name();
  }

  /** Counters and the last error, at this moment. */
  public GpuSamplerStats stats() {
    Map<GpuFaultKind, Long> counts = new EnumMap<>(GpuFaultKind.class);
    errors.forEach(
        (kind, count) -> {
          long value = count.get();
          if (value > 0) {
            counts.put(kind, value);
          }
        });
    GpuFault fault = lastFault;
    long attempts;
    lock.lock();
    try {
      attempts = attemptsCompleted;
    } finally {
      lock.unlock();
    }
    return new GpuSamplerStats(
        settings.mode().optionValue(),
        activeSource(),
        attempts,
        samples.get(),
        counts,
        fault == null ? null : fault.toString(),
        fault == null ? null : lastFaultAt,
        openWindows.size());
  }

  /** Stops the thread (killing an nvidia-smi in flight); open windows then close at once. */
  @Override
  public void close() {
    if (!isEnabled()) {
      return;
    }
    lock.lock();
    try {
      stopped = true;
      wake.signalAll();
      attemptDone.signalAll();
    } finally {
      lock.unlock();
    }
    thread.interrupt();
    try {
      source.abort();
    } catch (RuntimeException e) {
      count(new GpuFault(GpuFaultKind.INTERNAL, "stopping the GPU read failed: " + e));
    }
    try {
      thread.join(settings.commandTimeout().toMillis() + CLOSE_GRACE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits until the given attempt has finished, the sampler stopped, or the limit passed. */
  void awaitAttempt(long attempt, Duration limit) throws InterruptedException {
    long remaining = limit.toNanos();
    lock.lock();
    try {
      while (attemptsCompleted < attempt && !stopped && remaining > 0) {
        remaining = attemptDone.awaitNanos(remaining);
      }
    } finally {
      lock.unlock();
    }
  }

  /** The attempt number the next read will have; for tests that wait for a given read. */
  long nextAttempt() {
    lock.lock();
    try {
      return attemptsStarted + 1;
    } finally {
      lock.unlock();
    }
  }

  private void requestSample() {
    // Caller holds the lock.
    sampleRequested = true;
    wake.signalAll();
  }

  private void sampleUntilStopped() {
    long lastEnd = System.nanoTime();
    while (true) {
      long attempt;
      lock.lock();
      try {
        while (!stopped && !sampleRequested) {
          // Re-evaluated on every wake-up: when the last window closes during a busy wait, the
          // next read moves out to the idle interval instead of happening once more at the busy
          // one.
          Duration interval =
              openWindows.isEmpty() ? settings.idleInterval() : settings.busyInterval();
          long wait = lastEnd + interval.toNanos() - System.nanoTime();
          if (wait <= 0) {
            break;
          }
          try {
            wake.awaitNanos(wait);
          } catch (InterruptedException e) {
            // Only close() interrupts; the loop condition sees stopped.
          }
        }
        if (stopped) {
          return;
        }
        sampleRequested = false;
        attempt = ++attemptsStarted;
      } finally {
        lock.unlock();
      }
      GpuSample sample;
      try {
        sample = source.read();
      } catch (InterruptedException e) {
        if (isStopped()) {
          return;
        }
        sample = failure(new GpuFault(GpuFaultKind.INTERNAL, "sampling interrupted"));
      } catch (RuntimeException | Error e) {
        // A defect must not end sampling for the rest of the JVM's life.
        sample =
            failure(
                new GpuFault(
                    GpuFaultKind.INTERNAL,
                    "GPU read failed: " + e.getClass().getName() + ": " + e.getMessage()));
      }
      boolean failed = record(attempt, sample);
      lock.lock();
      try {
        attemptsCompleted = attempt;
        lastAttemptFailed = failed;
        attemptDone.signalAll();
      } finally {
        lock.unlock();
      }
      lastEnd = System.nanoTime();
    }
  }

  /** Counts the sample's faults, hands it to the open windows; true when it gave no figures. */
  private boolean record(long attempt, GpuSample sample) {
    try {
      for (GpuFault fault : sample.faults()) {
        count(fault);
      }
      Integer wanted = settings.gpuIndex();
      if (wanted != null && sample.hasDevices() && sample.select(wanted).isEmpty()) {
        count(
            new GpuFault(
                GpuFaultKind.NO_DEVICE,
                "gpu.index="
                    + wanted
                    + " but "
                    + sample.source()
                    + " lists GPUs "
                    + sample.devices().stream()
                        .map(device -> String.valueOf(device.index()))
                        .reduce((a, b) -> a + ", " + b)
                        .orElse("")));
      }
      if (sample.hasDevices()) {
        samples.incrementAndGet();
      }
      lastSample = sample;
      for (GpuWindow window : openWindows) {
        window.offer(attempt, sample);
      }
      return !sample.hasDevices();
    } catch (RuntimeException e) {
      count(new GpuFault(GpuFaultKind.INTERNAL, "recording a GPU sample failed: " + e));
      return true;
    }
  }

  private void count(GpuFault fault) {
    errors.get(fault.kind()).incrementAndGet();
    lastFault = fault;
    lastFaultAt = Instant.now();
    boolean first;
    synchronized (announced) {
      first = announced.add(fault.kind());
    }
    if (first) {
      notices.accept(
          "GPU sampling: "
              + fault.message()
              + " (counted as "
              + fault.kind().label()
              + "; further faults of this kind are counted, not reported)");
    }
  }

  private GpuSample failure(GpuFault fault) {
    return new GpuSample(Instant.now(), source.name(), List.of(), List.of(fault));
  }

  private boolean isStopped() {
    lock.lock();
    try {
      return stopped;
    } finally {
      lock.unlock();
    }
  }

  /** A notice consumer that can throw nothing back into the sampler. */
  private static Consumer<String> quiet(Consumer<String> notices) {
    return notice -> {
      try {
        notices.accept(notice);
      } catch (RuntimeException e) {
        // The agent's log failed; sampling does not depend on it.
      }
    };
  }

  /** Used by tests: waits for the thread to end after {@link #close()}. */
  boolean awaitTermination(Duration limit) throws InterruptedException {
    if (thread == null) {
      return true;
    }
    thread.join(TimeUnit.NANOSECONDS.toMillis(limit.toNanos()) + 1);
    return !thread.isAlive();
  }
}
