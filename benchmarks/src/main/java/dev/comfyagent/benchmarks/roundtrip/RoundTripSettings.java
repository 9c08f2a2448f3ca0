package dev.comfyagent.benchmarks.roundtrip;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfyagent.benchmarks.startup.StartupBenchmark;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The options of a {@link RoundTripBenchmark} run, parsed from its command line ({@link
 * RoundTripBenchmark#USAGE}): rounds and calls, the tool and its arguments, the configurations to
 * run and the jars they attach, the subject's JVM arguments.
 *
 * <p>Mutable while parsed, then only read.
 */
final class RoundTripSettings {
  int rounds = 6;
  int warmupCalls = 3000;
  int warmupMaxCalls = 100_000;
  int calls = 8000;
  int blocks = 8;
  String tool = "list_sessions";
  Map<String, Object> arguments = new HashMap<>();
  String otelMethods = "dev.comfyagent.runtime.session.ListSessionsTool[call]";
  Path agentJar;
  String agentOptions = "";
  Path otelJar;
  String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  Path json;
  List<String> subject = new ArrayList<>();
  List<RoundTripConfiguration> configurations = new ArrayList<>();

  static final List<String> VALUED_OPTIONS =
      List.of(
          "--rounds",
          "--warmup-calls",
          "--warmup-max-calls",
          "--calls",
          "--blocks",
          "--only",
          "--tool",
          "--arguments",
          "--otel-methods",
          "--agent-jar",
          "--agent-options",
          "--otel-jar",
          "--java",
          "--json");

  static RoundTripSettings parse(String[] args, PrintStream err) {
    RoundTripSettings s = new RoundTripSettings();
    List<String> only = List.of("none", "trace-off", "trace-on", "otel");
    String agentJar = null;
    String otelJar = null;
    Integer warmupMaxCalls = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if ("--".equals(a)) {
        s.subject.addAll(Arrays.asList(args).subList(i + 1, args.length));
        break;
      }
      if (!VALUED_OPTIONS.contains(a)) {
        throw new IllegalArgumentException(
            "unknown option " + a + "; valid: " + String.join(", ", VALUED_OPTIONS) + ", --");
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(a + " needs a value");
      }
      String value = args[++i];
      switch (a) {
        case "--rounds" -> s.rounds = positive(a, value);
        case "--warmup-calls" -> s.warmupCalls = positive(a, value);
        case "--warmup-max-calls" -> warmupMaxCalls = positive(a, value);
        case "--calls" -> s.calls = positive(a, value);
        case "--blocks" -> s.blocks = positive(a, value);
        case "--only" -> only = List.of(value.split(","));
        case "--tool" -> s.tool = value;
        case "--arguments" -> s.arguments = arguments(value);
        case "--otel-methods" -> s.otelMethods = value;
        case "--agent-jar" -> agentJar = value;
        case "--agent-options" -> s.agentOptions = value;
        case "--otel-jar" -> otelJar = value;
        case "--java" -> s.java = value;
        case "--json" -> s.json = Path.of(value);
        default -> throw new IllegalStateException("unhandled option " + a);
      }
    }
    if (warmupMaxCalls != null && warmupMaxCalls < s.warmupCalls) {
      throw new IllegalArgumentException(
          "--warmup-max-calls "
              + warmupMaxCalls
              + " is fewer than --warmup-calls "
              + s.warmupCalls);
    }
    s.warmupMaxCalls = warmupMaxCalls != null ? warmupMaxCalls : Math.max(s.warmupCalls, 100_000);
    for (String id : only) {
      s.configurations.add(RoundTripConfiguration.byId(id.strip()));
    }
    if (s.subject.isEmpty()) {
      Path runtime =
          StartupBenchmark.findJar(Path.of("agent-runtime/target"), "agent-runtime-", "Main-Class")
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "no agent-runtime/target/agent-runtime-*-all.jar here (run from the"
                              + " repository root after ./mvnw package), or name a subject"
                              + " after --"));
      s.subject.addAll(List.of("-jar", runtime.toString(), "serve"));
    }
    if (s.configurations.stream().anyMatch(RoundTripConfiguration::thisAgent)) {
      Optional<Path> jar =
          agentJar != null
              ? Optional.of(Path.of(agentJar))
              : StartupBenchmark.findJar(
                  Path.of("instrument-javaagent/target"), "instrument-javaagent-", "Premain-Class");
      if (jar.isEmpty() || !Files.isRegularFile(jar.get())) {
        throw new IllegalArgumentException(
            "no agent jar "
                + (agentJar != null ? agentJar : "instrument-javaagent/target/*.jar")
                + " (build it, or pass --agent-jar, or leave trace-off and trace-on out)");
      }
      s.agentJar = jar.get();
    }
    if (s.configurations.contains(RoundTripConfiguration.OTEL)) {
      Path jar =
          Path.of(
              otelJar != null ? otelJar : "benchmarks/target/agents/opentelemetry-javaagent.jar");
      if (Files.isRegularFile(jar)) {
        s.otelJar = jar;
      } else if (otelJar != null) {
        throw new IllegalArgumentException("--otel-jar " + otelJar + " does not exist");
      } else {
        err.println(
            "RoundTripBenchmark: skipping OpenTelemetry: no "
                + jar
                + " (./mvnw -pl benchmarks package copies it there, or pass --otel-jar)");
        s.configurations.remove(RoundTripConfiguration.OTEL);
      }
    }
    if (s.configurations.isEmpty()) {
      throw new IllegalArgumentException("no configuration left to run");
    }
    if (s.json == null) {
      Path target = Path.of("benchmarks/target");
      s.json =
          (Files.isDirectory(target) ? target : Path.of(".")).resolve("roundtrip-results.json");
    }
    return s;
  }

  /** Where the servers' folders go: beside the JSON file, so a run's files stay together. */
  Path runsDir() throws IOException {
    Path parent = json.toAbsolutePath().getParent();
    Path dir = parent != null ? parent : Path.of(".").toAbsolutePath();
    Files.createDirectories(dir);
    return dir;
  }

  private static Map<String, Object> arguments(String value) {
    try {
      return new ObjectMapper().readValue(value, new TypeReference<Map<String, Object>>() {});
    } catch (IOException e) {
      throw new IllegalArgumentException("--arguments needs a JSON object, got " + value);
    }
  }

  private static int positive(String option, String value) {
    try {
      int n = Integer.parseInt(value);
      if (n <= 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " needs a positive number, got " + value);
    }
  }
}
