package dev.comfyagent.instrument;

import dev.comfyagent.instrument.bootstrap.AgentBridge;
import dev.comfyagent.instrument.config.AgentConfig;
import dev.comfyagent.instrument.config.Option;
import dev.comfyagent.instrument.config.ToolPattern;
import dev.comfyagent.instrument.emit.HistogramLogFile;
import dev.comfyagent.instrument.emit.JsonLinesFile;
import dev.comfyagent.instrument.emit.MetricsReporter;
import dev.comfyagent.instrument.emit.MetricsSection;
import dev.comfyagent.instrument.emit.OutputFiles;
import dev.comfyagent.instrument.emit.ProcessIdentity;
import dev.comfyagent.instrument.emit.TraceQueue;
import dev.comfyagent.instrument.emit.TraceWriter;
import dev.comfyagent.instrument.export.Exports;
import dev.comfyagent.instrument.export.figures.ExportSources;
import dev.comfyagent.instrument.host.MethodHandleHostReader;
import dev.comfyagent.instrument.record.AgentHealth;
import dev.comfyagent.instrument.record.AgentStats;
import dev.comfyagent.instrument.record.CircuitBreakerBoard;
import dev.comfyagent.instrument.record.CorrelationSequences;
import dev.comfyagent.instrument.record.HostReader;
import dev.comfyagent.instrument.record.InputSummary;
import dev.comfyagent.instrument.record.RateLimiterBoard;
import dev.comfyagent.instrument.record.SessionGauge;
import dev.comfyagent.instrument.record.ToolCallHook;
import dev.comfyagent.instrument.record.ToolCallTracker;
import dev.comfyagent.instrument.record.ToolStatsRegistry;
import dev.comfyagent.instrument.record.WarmUp;
import dev.comfyagent.instrument.weave.CircuitBreakerWeave;
import dev.comfyagent.instrument.weave.InstanceListener;
import dev.comfyagent.instrument.weave.JoinPointFound;
import dev.comfyagent.instrument.weave.PatternToolWeave;
import dev.comfyagent.instrument.weave.RateLimiterWeave;
import dev.comfyagent.instrument.weave.RuntimeHostWatch;
import dev.comfyagent.instrument.weave.RuntimeToolWeave;
import dev.comfyagent.instrument.weave.SdkRequestIdWeave;
import dev.comfyagent.instrument.weave.SdkServerContributor;
import dev.comfyagent.instrument.weave.SdkSessionsWeave;
import dev.comfyagent.instrument.weave.SdkSyncToolWeave;
import dev.comfyagent.instrument.weave.SdkToolCallWeave;
import dev.comfyagent.instrument.weave.SessionRegistryWeave;
import dev.comfyagent.instrument.weave.WeaveDispatch;
import dev.comfyagent.instrument.weave.WeaveTarget;
import dev.comfyagent.instrument.weave.Weaver;
import java.io.IOException;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One running agent: the recorders, the writers and the weaving, wired together. Created by {@link
 * AgentInstaller}; extensions see it as an {@link AgentContext}.
 *
 * <p>Lifecycle: {@link #create} opens the output files (nothing is woven yet); extensions add to
 * it; {@link #start} installs the bridge dispatch, starts the writer threads and the shutdown hook
 * and makes the weaving transformer; {@link #retransformLoaded} weaves what loaded before. {@link
 * #stop} (the shutdown hook) drains the trace queue and writes the final metrics line.
 *
 * <p>Thread-safe.
 */
final class Agent implements AgentContext {

  private static final long DRAIN_MILLIS = 2000;
  private static final int TRACKED_CORRELATION_IDS = 4096;

  /**
   * How long after the agent starts its warm-up of the call path runs: after the host's own start
   * (about 1.5 s for agent-runtime on two cores), before a client's first tool call in most
   * sessions.
   */
  static final long WARM_UP_DELAY_MILLIS = 2000;

  private final AgentConfig config;
  private final Instrumentation instrumentation;
  private final boolean attachedLate;
  private final ClassLoader agentLoader;
  private final long startNanos = System.nanoTime();

  private final AgentHealth health;
  private final HostReader host = new MethodHandleHostReader();
  private final ToolStatsRegistry tools;
  private final CircuitBreakerBoard breakers = new CircuitBreakerBoard();
  private final RateLimiterBoard limiters = new RateLimiterBoard();
  private final SessionGauge sessions = new SessionGauge(host::sessionCount);
  private final TraceQueue traceQueue;
  private final TraceWriter traceWriter;
  private final JsonLinesFile traceFile;
  private final JsonLinesFile metricsFile;
  private final OutputFiles outputFiles;
  private final HistogramLogFile latencyLog;
  private final MetricsReporter reporter;
  private final ToolCallTracker calls;
  private final AgentStats stats;
  private final WeaveDispatch dispatch;
  private final List<WeaveTarget> extraTargets = new CopyOnWriteArrayList<>();
  private final List<Runnable> stopActions = new CopyOnWriteArrayList<>();
  private final RuntimeHostWatch runtimeWatch;
  private final ProcessIdentity identity;
  private volatile List<WeaveTarget> installedTargets = List.of();
  private volatile ClassFileTransformer weaving;

  private Agent(
      AgentConfig config,
      Instrumentation instrumentation,
      boolean attachedLate,
      ClassLoader loader,
      RuntimeHostWatch runtimeWatch,
      ProcessIdentity identity)
      throws IOException {
    this.runtimeWatch = runtimeWatch;
    this.identity = identity;
    this.config = config;
    this.instrumentation = instrumentation;
    this.attachedLate = attachedLate;
    this.agentLoader = loader;
    this.health = new AgentHealth(config.debug());
    health.toolCallPathsFrom(JoinPointFound::toolCallPaths);
    this.tools = new ToolStatsRegistry(config.toolsMax());
    this.outputFiles = OutputFiles.claim(config.outputDir(), identity);
    this.metricsFile =
        new JsonLinesFile(
            outputFiles.metrics(), config.metricsRotateBytes(), config.metricsRotateKeep());
    this.latencyLog =
        config.hlog()
            ? new HistogramLogFile(
                outputFiles.latencyLog(),
                config.metricsRotateBytes(),
                config.metricsRotateKeep(),
                identity)
            : null;
    if (config.trace()) {
      this.traceQueue = new TraceQueue(config.traceQueueSize());
      this.traceFile =
          new JsonLinesFile(
              outputFiles.traces(), config.traceRotateBytes(), config.traceRotateKeep());
      this.traceWriter = new TraceWriter(traceQueue, traceFile, health, identity);
    } else {
      this.traceQueue = null;
      this.traceFile = null;
      this.traceWriter = null;
    }
    this.calls =
        new ToolCallTracker(
            tools,
            host,
            new InputSummary(config.summaryMaxChars(), host.treeReader()),
            new CorrelationSequences(TRACKED_CORRELATION_IDS),
            traceQueue,
            health);
    this.reporter =
        new MetricsReporter(
            metricsFile,
            new MetricsReporter.Sources(
                tools,
                breakers,
                limiters,
                sessions,
                health,
                host::circuitBreakerState,
                this::traceLinesWritten,
                this::traceLinesDropped),
            startNanos,
            identity,
            latencyLog);
    this.stats =
        new AgentStats(
            startNanos,
            tools,
            breakers,
            limiters,
            sessions,
            health,
            host,
            this::traceLinesWritten,
            this::traceLinesDropped,
            reporter::readSections);
    this.dispatch = new WeaveDispatch(calls, breakers, limiters, sessions, host, health);
  }

  /**
   * Creates the agent and opens its output files; nothing is woven yet.
   *
   * @throws IOException when the output directory or files cannot be created
   */
  static Agent create(
      AgentConfig config, Instrumentation instrumentation, boolean attachedLate, ClassLoader loader)
      throws IOException {
    return create(config, instrumentation, attachedLate, loader, new RuntimeHostWatch());
  }

  /**
   * Creates the agent, which learns from {@code runtimeWatch} whether its host is agent-runtime and
   * writes as this process under an unknown agent version (tests, and hosts without a manifest).
   *
   * @throws IOException when the output directory or files cannot be created
   */
  static Agent create(
      AgentConfig config,
      Instrumentation instrumentation,
      boolean attachedLate,
      ClassLoader loader,
      RuntimeHostWatch runtimeWatch)
      throws IOException {
    return create(
        config,
        instrumentation,
        attachedLate,
        loader,
        runtimeWatch,
        ProcessIdentity.of(config.serviceName(), "unknown", System.getenv()));
  }

  /**
   * Creates the agent, which learns from {@code runtimeWatch} whether its host is agent-runtime,
   * and writes as {@code identity}.
   *
   * @throws IOException when the output directory or files cannot be created
   */
  static Agent create(
      AgentConfig config,
      Instrumentation instrumentation,
      boolean attachedLate,
      ClassLoader loader,
      RuntimeHostWatch runtimeWatch,
      ProcessIdentity identity)
      throws IOException {
    return new Agent(config, instrumentation, attachedLate, loader, runtimeWatch, identity);
  }

  /**
   * Installs the dispatch, starts the writers and the shutdown hook, and makes the weaving
   * transformer (registered by the caller, through the {@link
   * dev.comfyagent.instrument.weave.StartTrigger}).
   *
   * @return the weaving transformer, or {@code null} when another copy of the agent already runs in
   *     this JVM
   */
  ClassFileTransformer start() {
    if (!AgentBridge.install(dispatch)) {
      closeFiles();
      runStopActions();
      return null;
    }
    if (traceWriter != null) {
      traceWriter.start();
    }
    reporter.start(config.metricsIntervalMillis());
    if (config.exports()) {
      startExports();
    }
    Thread hook = new Thread(this::stop, "comfyagent-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    List<WeaveTarget> all = targets();
    installedTargets = all;
    weaving = new Weaver(health, agentLoader).make(all);
    // Not while the host starts: on two cores its 300 rounds took about 100 ms of CPU time and 3
    // MiB
    // of peak RSS from the host's start to its first tools/list answer (StartupBenchmark, paired).
    Thread warmUp = new Thread(this::warmUpLater, "comfyagent-warm-up");
    warmUp.setDaemon(true);
    warmUp.start();
    return weaving;
  }

  /**
   * The Prometheus endpoint and the OTLP exporter, in a method of their own: with both off (the
   * default) none of their classes is ever loaded.
   */
  private void startExports() {
    try {
      Exports exports =
          Exports.start(config, new ExportSources(identity, tools, stats), traceWriter, health);
      addMetricsSection(exports);
      onStop(exports::stop);
    } catch (RuntimeException | LinkageError e) {
      health.internalError("starting the exports", e);
    }
  }

  /** The weaving transformer made by {@link #start}, or null before. */
  ClassFileTransformer weaving() {
    return weaving;
  }

  /**
   * Weaves the classes that loaded before the agent ran (all of them after a late attach; a few
   * after a start on the first MCP server class), through the registered transformer.
   */
  void retransformLoaded() {
    if (instrumentation == null) {
      return;
    }
    try {
      new Weaver(health, agentLoader).retransformLoaded(instrumentation, installedTargets);
    } catch (RuntimeException | LinkageError e) {
      health.internalError("weaving classes loaded before the agent", e);
    }
  }

  private void warmUpLater() {
    try {
      Thread.sleep(WARM_UP_DELAY_MILLIS);
    } catch (InterruptedException e) {
      return;
    }
    try {
      WarmUp.runUnlessCalled(host, tools);
    } catch (RuntimeException | LinkageError e) {
      health.internalError("warm-up", e);
    }
  }

  /**
   * Gives the bridge back (woven code becomes a no-op: nothing is counted after the final line),
   * writes what is pending and the final metrics line, closes the files, then runs the extensions'
   * stop actions (after the final line, so that it still carries their figures).
   */
  void stop() {
    AgentBridge.uninstall(dispatch);
    if (traceWriter != null) {
      traceWriter.stop(DRAIN_MILLIS);
    }
    reporter.finish();
    closeFiles();
    runStopActions();
  }

  /** Closes the files without having started (another copy runs, or an extension refused). */
  void abandon() {
    closeFiles();
    runStopActions();
  }

  private void runStopActions() {
    for (Runnable action : stopActions) {
      try {
        action.run();
      } catch (RuntimeException e) {
        health.internalError("stopping an extension", e);
      }
    }
    stopActions.clear();
  }

  /** The weave targets the options ask for, the extensions' last. */
  List<WeaveTarget> targets() {
    List<WeaveTarget> targets = new ArrayList<>();
    if (config.enabled(Option.WEAVE_TOOL)) {
      targets.add(new RuntimeToolWeave());
    }
    if (config.enabled(Option.WEAVE_SDK)) {
      targets.add(new SdkToolCallWeave());
      targets.add(new SdkSyncToolWeave());
      targets.add(new SdkRequestIdWeave());
    }
    if (config.enabled(Option.WEAVE_RESILIENCE4J)) {
      targets.add(new CircuitBreakerWeave());
      targets.add(new RateLimiterWeave());
    }
    if (config.enabled(Option.WEAVE_SESSIONS)) {
      targets.add(new SessionRegistryWeave());
      if (config.enabled(Option.WEAVE_SDK)) {
        targets.add(new SdkSessionsWeave());
      }
    }
    for (ToolPattern pattern : config.toolPatterns()) {
      targets.add(new PatternToolWeave(pattern, config.trace()));
    }
    targets.addAll(extraTargets);
    return targets;
  }

  @Override
  public AgentConfig config() {
    return config;
  }

  @Override
  public AgentStats stats() {
    return stats;
  }

  @Override
  public AgentHealth health() {
    return health;
  }

  @Override
  public HostReader host() {
    return host;
  }

  @Override
  public Path outputDir() {
    return config.outputDir();
  }

  @Override
  public Instrumentation instrumentation() {
    return instrumentation;
  }

  @Override
  public boolean attachedLate() {
    return attachedLate;
  }

  @Override
  public void addWeaveTarget(WeaveTarget target) {
    extraTargets.add(target);
  }

  @Override
  public void addMetricsSection(MetricsSection section) {
    reporter.addSection(section);
  }

  @Override
  public void addToolCallHook(ToolCallHook hook) {
    calls.addHook(hook);
  }

  @Override
  public void addInstanceListener(InstanceListener listener) {
    dispatch.addInstanceListener(listener);
  }

  @Override
  public void addSdkServerContributor(SdkServerContributor contributor) {
    dispatch.addSdkServerContributor(contributor);
  }

  @Override
  public void whenHostIsAgentRuntime(Runnable action) {
    runtimeWatch.whenRecognised(action);
  }

  @Override
  public void onStop(Runnable action) {
    stopActions.add(action);
  }

  private long traceLinesWritten() {
    return traceWriter == null ? 0 : traceWriter.written();
  }

  private long traceLinesDropped() {
    return traceQueue == null ? 0 : traceQueue.dropped();
  }

  private void closeFiles() {
    try {
      metricsFile.close();
      if (traceFile != null) {
        traceFile.close();
      }
      if (latencyLog != null) {
        latencyLog.close();
      }
      outputFiles.close();
    } catch (IOException e) {
      health.internalError("closing output files", e);
    }
  }
}
