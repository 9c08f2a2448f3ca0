package dev.comfyagent.benchmarks.overhead;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The ways a JVM runs the tool call in the overhead benchmark: no agent, this project's agent with
 * tracing off or on, and the OpenTelemetry Java agent instrumenting the same method. Each is one
 * JMH fork with its own JVM arguments; {@link dev.comfyagent.benchmarks.BenchmarkSuite} runs them
 * one after the other in one run.
 *
 * <p>This project's agent gets {@code strict=true}, so an option it does not accept stops the fork
 * instead of leaving the tool unobserved and the numbers meaningless. Options are appended from the
 * system property {@value #AGENT_OPTIONS_PROPERTY} when set (for example {@code
 * metrics.interval=...} in the syntax of the agent's version).
 */
public enum AgentConfiguration {
  /** A plain JVM: the reference. */
  NONE("none", "no agent"),
  /** This project's agent, metrics only. */
  AGENT_TRACE_OFF("agent-trace-off", "instrument-javaagent, trace=off"),
  /** This project's agent, metrics and one trace line per call. */
  AGENT_TRACE_ON("agent-trace-on", "instrument-javaagent, trace=on"),
  /** As {@link #AGENT_TRACE_ON}, and serving {@code /metrics} (an ephemeral loopback port). */
  AGENT_METRICS_HTTP(
      "agent-metrics-http", "instrument-javaagent, trace=on, metrics.http on a loopback port"),
  /**
   * As {@link #AGENT_TRACE_ON}, and exporting spans and metrics over OTLP to a loopback port where
   * nothing listens: the exporter's worst case (every request refused, retried, its spans dropped).
   */
  AGENT_OTLP("agent-otlp", "instrument-javaagent, trace=on, otlp.endpoint with no collector"),
  /** The OpenTelemetry Java agent with method instrumentation of the tool's call, no exporter. */
  OPENTELEMETRY("otel", "OpenTelemetry Java agent, methods.include, exporters none");

  /** System property with extra options for this project's agent, {@code key=value,...}. */
  public static final String AGENT_OPTIONS_PROPERTY = "benchmarks.agent.options";

  /** The method the OpenTelemetry agent instruments: the tool's call. */
  static final String OTEL_METHOD = ConstantResultTool.class.getName() + "[call]";

  private final String id;
  private final String description;

  AgentConfiguration(String id, String description) {
    this.id = id;
    this.description = description;
  }

  /** The JMH parameter value naming this configuration. */
  public String id() {
    return id;
  }

  /** What the configuration attaches, for tables. */
  public String description() {
    return description;
  }

  /**
   * The configuration named {@code id}.
   *
   * @throws IllegalArgumentException naming the valid ids
   */
  public static AgentConfiguration byId(String id) {
    for (AgentConfiguration c : values()) {
      if (c.id.equals(id)) {
        return c;
      }
    }
    List<String> ids = new ArrayList<>();
    for (AgentConfiguration c : values()) {
      ids.add(c.id);
    }
    throw new IllegalArgumentException("unknown agent configuration " + id + "; valid: " + ids);
  }

  /** Whether the configuration attaches this project's agent. */
  public boolean needsAgentJar() {
    return this == AGENT_TRACE_OFF
        || this == AGENT_TRACE_ON
        || this == AGENT_METRICS_HTTP
        || this == AGENT_OTLP;
  }

  /** Whether this configuration writes a trace line per call. */
  public boolean traces() {
    return this == AGENT_TRACE_ON || this == AGENT_METRICS_HTTP || this == AGENT_OTLP;
  }

  /** The jar this configuration attaches, if any, where {@code jars} finds it. */
  public Optional<Path> jar(AgentJars jars) {
    return switch (this) {
      case NONE -> Optional.empty();
      case AGENT_TRACE_OFF, AGENT_TRACE_ON, AGENT_METRICS_HTTP, AGENT_OTLP -> jars.agentJar();
      case OPENTELEMETRY -> jars.otelJar();
    };
  }

  /** Where the jar is expected, for the message when it is missing. */
  public Path expectedJarLocation(AgentJars jars) {
    return needsAgentJar() ? jars.agentJarLocation() : jars.otelJarLocation();
  }

  /**
   * The JVM arguments of this configuration's fork.
   *
   * @param jar the agent jar ({@link #jar}); ignored for {@link #NONE}
   * @param outputDir where this project's agent writes metrics and traces
   */
  public List<String> jvmArgs(Path jar, Path outputDir) {
    List<String> args = new ArrayList<>();
    switch (this) {
      case NONE -> {}
      case AGENT_TRACE_OFF, AGENT_TRACE_ON, AGENT_METRICS_HTTP, AGENT_OTLP -> {
        // Option syntax of docs/agent.md. A metrics line an hour: only the final one, at exit,
        // is written during a run, so the reporter's thread never competes with the measurement.
        String options =
            "trace="
                + traceSwitch()
                + ",strict=true,output.dir="
                + outputDir.toAbsolutePath()
                + ",metrics.interval=3600s"
                + exportOptions();
        String extra = System.getProperty(AGENT_OPTIONS_PROPERTY, "");
        args.add(
            "-javaagent:"
                + jar.toAbsolutePath()
                + "="
                + options
                + (extra.isBlank() ? "" : "," + extra));
      }
      case OPENTELEMETRY -> {
        args.add("-javaagent:" + jar.toAbsolutePath());
        args.add("-Dotel.instrumentation.methods.include=" + OTEL_METHOD);
        args.add("-Dotel.traces.exporter=none");
        args.add("-Dotel.metrics.exporter=none");
        args.add("-Dotel.logs.exporter=none");
      }
    }
    return args;
  }

  private String traceSwitch() {
    return traces() ? "on" : "off";
  }

  /**
   * The export options: port 0 lets the system choose the endpoint's port; port 9 (discard) on
   * loopback has no listener on a build machine, so every OTLP request is refused at once.
   */
  private String exportOptions() {
    return switch (this) {
      case AGENT_METRICS_HTTP -> ",metrics.http=0";
      case AGENT_OTLP -> ",otlp.endpoint=http://127.0.0.1:9,otlp.interval=1s";
      default -> "";
    };
  }

  /**
   * Checks, inside the fork, that the agents the JVM was started with are running: this project's
   * agent has installed its bridge on the bootstrap class path, the OpenTelemetry agent its
   * initializer. {@link #verifyAttached} checks the command line; this checks the agent did not
   * turn itself off.
   *
   * @throws IllegalStateException saying which agent is running that should not be, or not running
   *     that should be
   */
  public void verifyRunning() {
    verifyRunning(RunningAgents.thisAgentRunning(), RunningAgents.openTelemetryRunning());
  }

  /** {@link #verifyRunning()} on what was found, for tests. */
  void verifyRunning(boolean thisAgentRunning, boolean openTelemetryRunning) {
    boolean wantThisAgent = needsAgentJar();
    boolean wantOpenTelemetry = this == OPENTELEMETRY;
    if (thisAgentRunning != wantThisAgent || openTelemetryRunning != wantOpenTelemetry) {
      throw new IllegalStateException(
          "agent configuration "
              + id
              + " ("
              + description
              + ") expected, but in this JVM instrument-javaagent is "
              + (thisAgentRunning ? "running" : "not running")
              + " and the OpenTelemetry agent is "
              + (openTelemetryRunning ? "running" : "not running")
              + (wantThisAgent && !thisAgentRunning
                  ? "; the agent's line on stderr says why it turned itself off"
                  : ""));
    }
  }

  /**
   * Checks, inside the fork, that the JVM was started with this configuration's agent and no other,
   * so a result is never labelled with an agent that was not there.
   *
   * @param jvmInputArguments the fork's arguments ({@code RuntimeMXBean#getInputArguments})
   * @throws IllegalStateException saying what was expected and what the JVM has
   */
  public void verifyAttached(List<String> jvmInputArguments) {
    List<String> agents = new ArrayList<>();
    for (String arg : jvmInputArguments) {
      if (arg.startsWith("-javaagent:")) {
        agents.add(arg);
      }
    }
    boolean ok =
        switch (this) {
          case NONE -> agents.isEmpty();
          case AGENT_TRACE_OFF, AGENT_TRACE_ON, AGENT_METRICS_HTTP, AGENT_OTLP ->
              agents.size() == 1
                  && !agents.get(0).contains("opentelemetry-javaagent")
                  && agents.get(0).contains("=trace=" + traceSwitch() + ",")
                  && agents.get(0).contains(exportOptions())
                  // The traced configuration without exports must not pass for one with them.
                  && agents.get(0).contains(",metrics.http=") == (this == AGENT_METRICS_HTTP)
                  && agents.get(0).contains(",otlp.endpoint=") == (this == AGENT_OTLP);
          case OPENTELEMETRY ->
              agents.size() == 1
                  && agents.get(0).contains("opentelemetry-javaagent")
                  && jvmInputArguments.contains(
                      "-Dotel.instrumentation.methods.include=" + OTEL_METHOD);
        };
    if (!ok) {
      throw new IllegalStateException(
          "agent configuration "
              + id
              + " ("
              + description
              + ") expected, but the JVM was started with "
              + (agents.isEmpty() ? "no agent" : agents)
              + ". Run the overhead benchmark through dev.comfyagent.benchmarks.BenchmarkSuite,"
              + " which starts one fork per configuration with its agent.");
    }
  }
}
