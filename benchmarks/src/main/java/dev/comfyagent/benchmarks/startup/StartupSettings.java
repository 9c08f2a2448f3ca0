package dev.comfyagent.benchmarks.startup;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarFile;

/**
 * The options of a {@link StartupBenchmark} run, parsed from its command line ({@link
 * StartupBenchmark#USAGE}): runs, the configurations and their jars, the subject, {@code
 * --first-search}'s ComfyUI and map, {@code --check}'s goals.
 *
 * <p>Mutable while parsed, then only read.
 */
final class StartupSettings {
  static final List<String> VALUED_OPTIONS =
      List.of(
          "--runs",
          "--warmup",
          "--timeout-s",
          "--java",
          "--agent-jar",
          "--agent-options",
          "--otel-jar",
          "--only",
          "--json",
          "--search-query",
          "--manager-map",
          "--comfyui-url",
          "--simulator-jar",
          "--baseline-agent-jar",
          "--max-ratio",
          "--max-rss-added-mib");

  int runs = 5;
  boolean check;
  double maxRatio = 0.10;
  double maxRssAddedMib = 25;
  int warmup = 1;
  long timeoutSeconds = 120;
  String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  List<String> subject = new ArrayList<>();
  List<StartupBenchmark.Configuration> configurations = new ArrayList<>();
  Path json;
  boolean firstSearch;
  String searchQuery = "upscale image";
  Path managerMap;
  String comfyUiUrl;
  Path simulatorJar;

  static StartupSettings parse(String[] args, PrintStream err) {
    StartupSettings s = new StartupSettings();
    String agentJar = null;
    String agentOptions = "";
    String otelJar = null;
    String baselineJar = null;
    List<String> only = List.of("none", "agent", "otel");
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if ("--".equals(a)) {
        s.subject.addAll(Arrays.asList(args).subList(i + 1, args.length));
        break;
      }
      if ("--first-search".equals(a)) {
        s.firstSearch = true;
        continue;
      }
      if ("--check".equals(a)) {
        s.check = true;
        continue;
      }
      if (!VALUED_OPTIONS.contains(a)) {
        throw new IllegalArgumentException(
            "unknown option "
                + a
                + "; valid: --check, "
                + String.join(", ", VALUED_OPTIONS)
                + ", --first-search, -- <subject JVM arguments>");
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(a + " needs a value");
      }
      String value = args[i + 1];
      switch (a) {
        case "--runs" -> s.runs = positive(a, value);
        case "--warmup" -> s.warmup = Math.max(0, positive(a, value));
        case "--timeout-s" -> s.timeoutSeconds = positive(a, value);
        case "--java" -> s.java = value;
        case "--agent-jar" -> agentJar = value;
        case "--agent-options" -> agentOptions = value;
        case "--otel-jar" -> otelJar = value;
        case "--only" -> only = List.of(value.split(","));
        case "--json" -> s.json = Path.of(value);
        case "--search-query" -> s.searchQuery = value;
        case "--manager-map" -> s.managerMap = Path.of(value);
        case "--comfyui-url" -> s.comfyUiUrl = value;
        case "--simulator-jar" -> s.simulatorJar = Path.of(value);
        case "--baseline-agent-jar" -> baselineJar = value;
        case "--max-ratio" -> s.maxRatio = fraction(a, value);
        case "--max-rss-added-mib" -> s.maxRssAddedMib = fraction(a, value);
        default -> throw new IllegalStateException("unhandled option " + a);
      }
      i++;
    }
    for (String id : only) {
      if (!List.of("none", "agent", "otel").contains(id)) {
        throw new IllegalArgumentException("--only takes none, agent, otel; got " + id);
      }
    }
    if (s.subject.isEmpty()) {
      Path runtime =
          findJar(Path.of("agent-runtime/target"), "agent-runtime-", "Main-Class")
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "no agent-runtime/target/agent-runtime-*-all.jar here (run from the"
                              + " repository root after ./mvnw package), or name a subject"
                              + " after --"));
      s.subject.addAll(List.of("-jar", runtime.toString(), "serve"));
    }
    if (s.json == null) {
      Path target = Path.of("benchmarks/target");
      s.json = (Files.isDirectory(target) ? target : Path.of(".")).resolve("startup-results.json");
    } else if (Files.isDirectory(s.json)) {
      throw new IllegalArgumentException(
          "--json " + s.json + " is a directory; name the JSON file to write");
    }
    if (only.contains("none")) {
      s.configurations.add(new StartupBenchmark.Configuration("none", "no agent", null, null));
    }
    if (only.contains("agent")) {
      Optional<Path> jar =
          agentJar != null
              ? Optional.of(Path.of(agentJar))
              : findJar(
                  Path.of("instrument-javaagent/target"), "instrument-javaagent-", "Premain-Class");
      if (jar.isPresent() && Files.isRegularFile(jar.get())) {
        s.configurations.add(
            new StartupBenchmark.Configuration(
                "agent", "instrument-javaagent", jar.get(), agentOptions));
      } else if (agentJar != null) {
        throw new IllegalArgumentException("--agent-jar " + agentJar + " does not exist");
      } else {
        err.println(
            "StartupBenchmark: skipping this agent: no instrument-javaagent/target/"
                + "instrument-javaagent-*.jar with a Premain-Class (build it, or pass --agent-jar)");
      }
    }
    if (baselineJar != null) {
      if (!Files.isRegularFile(Path.of(baselineJar))) {
        throw new IllegalArgumentException(
            "--baseline-agent-jar " + baselineJar + " does not exist");
      }
      s.configurations.add(
          new StartupBenchmark.Configuration(
              "agent-baseline",
              "instrument-javaagent (baseline)",
              Path.of(baselineJar),
              agentOptions));
    }
    if (only.contains("otel")) {
      Path jar =
          Path.of(
              otelJar != null ? otelJar : "benchmarks/target/agents/opentelemetry-javaagent.jar");
      if (Files.isRegularFile(jar)) {
        s.configurations.add(
            new StartupBenchmark.Configuration("otel", "OpenTelemetry Java agent", jar, null));
      } else if (otelJar != null) {
        throw new IllegalArgumentException("--otel-jar " + otelJar + " does not exist");
      } else {
        err.println(
            "StartupBenchmark: skipping OpenTelemetry: no "
                + jar
                + " (./mvnw -pl benchmarks package copies it there, or pass --otel-jar)");
      }
    }
    if (s.configurations.isEmpty()) {
      throw new IllegalArgumentException("no configuration left to run");
    }
    if (s.firstSearch) {
      s.checkFirstSearch();
    } else if (s.managerMap != null || s.comfyUiUrl != null || s.simulatorJar != null) {
      throw new IllegalArgumentException(
          "--manager-map, --comfyui-url and --simulator-jar only apply with --first-search");
    }
    return s;
  }

  private void checkFirstSearch() {
    if (searchQuery.isBlank()) {
      throw new IllegalArgumentException("--search-query needs some text");
    }
    if (managerMap != null && !Files.isRegularFile(managerMap)) {
      throw new IllegalArgumentException("--manager-map " + managerMap + " is not a file");
    }
    if (comfyUiUrl != null) {
      FirstSearch.hostAndPort(comfyUiUrl); // throws when it is not http://host:port
      if (simulatorJar != null) {
        throw new IllegalArgumentException("give --comfyui-url or --simulator-jar, not both");
      }
      return;
    }
    if (simulatorJar == null) {
      simulatorJar =
          findJar(Path.of("comfyui-simulator/target"), "comfyui-simulator-", "Main-Class")
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "--first-search needs a ComfyUI: no comfyui-simulator/target/"
                              + "comfyui-simulator-*-all.jar here (./mvnw -B -DskipTests"
                              + " package builds it), or pass --comfyui-url"));
    } else if (!Files.isRegularFile(simulatorJar)) {
      throw new IllegalArgumentException("--simulator-jar " + simulatorJar + " does not exist");
    }
  }

  private static double fraction(String option, String value) {
    try {
      double d = Double.parseDouble(value);
      if (!(d >= 0) || Double.isInfinite(d)) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " needs a number of 0 or more, got " + value);
    }
  }

  private static int positive(String option, String value) {
    try {
      int n = Integer.parseInt(value);
      if (n < 0 || (n == 0 && !"--warmup".equals(option))) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " needs a positive number, got " + value);
    }
  }

  /**
   * The newest jar named {@code prefix*.jar} in {@code dir} whose manifest has {@code attribute}.
   */
  static Optional<Path> findJar(Path dir, String prefix, String attribute) {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> jars = Files.newDirectoryStream(dir, prefix + "*.jar")) {
      for (Path jar : jars) {
        try (JarFile file = new JarFile(jar.toFile())) {
          if (file.getManifest() != null
              && file.getManifest().getMainAttributes().getValue(attribute) != null) {
            found.add(jar);
          }
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return found.stream().max(Comparator.comparing(p -> p.toFile().lastModified()));
  }
}
