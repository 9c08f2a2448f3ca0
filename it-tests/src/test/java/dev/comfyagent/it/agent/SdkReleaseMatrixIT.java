package dev.comfyagent.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfyagent.it.harness.AgentOutput;
import dev.comfyagent.it.harness.PackagedJars;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The compatibility matrix: a small stdio server written to each MCP Java SDK release's documented
 * API ({@code sdk-matrix/legacy} for 0.8 to 0.10, {@code sdk-matrix/current} from 1.0), compiled
 * against that release alone (its jars in a folder of its own, see the pom), run under the packaged
 * agent and without it, and driven with raw JSON-RPC: the same known mix of calls (ok, isError,
 * thrown, unknown tool, a tool calling a timed method, a concurrent burst). Checked per release:
 * exact counts, one trace line per call, the chain and the client's correlation id, the JSON-RPC
 * ids, and stdout byte for byte. The release x feature table it writes ({@code
 * target/sdk-matrix.md}) is the one docs/agent.md carries; the last check says when they differ.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SdkReleaseMatrixIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> FEATURES =
      List.of(
          "tool calls counted",
          "one trace per call",
          "chains + _meta.correlation_id",
          "jsonrpc.request.id",
          "stdout unchanged",
          "get_agent_stats",
          "sessions");
  private static final String BEGIN = "<!-- sdk-matrix:begin -->";
  private static final String END = "<!-- sdk-matrix:end -->";

  private final Map<String, Map<String, Boolean>> table = new ConcurrentHashMap<>();

  @ParameterizedTest(name = "MCP SDK {0}")
  @CsvSource({
    "0.8.1, legacy, false",
    "0.9.0, legacy, false",
    "0.10.0, legacy, false",
    "1.0.0, current, false",
    "1.1.5, current, false",
    "2.2.0, current, true"
  })
  void theKnownMixIsObservedExactly(String release, String family, boolean concurrent)
      throws Exception {
    Path dir = PackagedJars.workDir("sdk-" + release);
    String classPath = compile(release, family, dir.resolve("classes"));
    Run plain = run(classPath, dir.resolve("plain"), null, concurrent);
    Run observed =
        run(
            classPath,
            dir.resolve("agent"),
            "output.dir=" + dir.resolve("agent/logs") + ",tools=MatrixServer$Renderer#render",
            concurrent);
    AgentOutput output = new AgentOutput(dir.resolve("agent/logs"));
    Map<String, Boolean> row = new LinkedHashMap<>();

    java.util.Set<Integer> both = new java.util.HashSet<>(plain.responses.keySet());
    both.retainAll(observed.responses.keySet());
    row.put("stdout unchanged", plain.comparable(both).equals(observed.comparable(both)));
    assertThat(observed.comparable(both)).isEqualTo(plain.comparable(both));
    assertThat(observed.stderr).doesNotContain("internal error");

    assertThat(counts(output, "echo")).containsExactly(7L, 7L, 0L);
    assertThat(counts(output, "refuse")).containsExactly(1L, 0L, 1L);
    assertThat(counts(output, "explode")).containsExactly(1L, 0L, 1L);
    assertThat(counts(output, "no_such_tool")).containsExactly(1L, 0L, 1L);
    assertThat(counts(output, "render")).containsExactly(1L, 1L, 0L);
    assertThat(counts(output, "Renderer#render")).containsExactly(1L, 1L, 0L);
    assertThat(output.finalMetrics().path("agent").path("internal_errors").asLong()).isZero();
    assertThat(output.finalMetrics().path("agent").path("tool_calls_observable").asBoolean())
        .isTrue();
    row.put("tool calls counted", true);

    int statsCalls = observed.statsListed ? 1 : 0;
    assertThat(output.traces()).hasSize(7 + 1 + 1 + 1 + 1 + 1 + statsCalls);
    row.put("one trace per call", true);

    JsonNode render = output.tracesOf("render").get(0);
    JsonNode inner = output.tracesOf("Renderer#render").get(0);
    assertThat(render.path("correlation_id").asText()).isEqualTo("matrix-chain");
    assertThat(inner.path("correlation_id").asText()).isEqualTo("matrix-chain");
    assertThat(inner.path("parent").asInt()).isEqualTo(render.path("seq").asInt());
    row.put("chains + _meta.correlation_id", true);

    assertThat(output.tracesOf("echo"))
        .extracting(t -> t.path("jsonrpc.request.id").asInt())
        .containsExactlyInAnyOrder(10, 11, 12, 20, 21, 22, 23);
    row.put("jsonrpc.request.id", true);

    row.put("get_agent_stats", observed.statsListed && observed.statsAnswered);
    row.put("sessions", output.finalMetrics().path("sessions").path("active").asInt() == 1);
    table.put(release, row);
  }

  @AfterAll
  void theDocumentedTableIsTheOneTheseRunsGive() throws IOException {
    if (table.size() < 6) {
      return; // a release failed above; its own test says why
    }
    StringBuilder markdown = new StringBuilder("| MCP Java SDK |");
    FEATURES.forEach(feature -> markdown.append(' ').append(feature).append(" |"));
    markdown.append("\n|---|").append("---|".repeat(FEATURES.size())).append('\n');
    List<String> releases = new ArrayList<>(table.keySet());
    releases.sort(
        java.util.Comparator.comparing(
            (String release) ->
                java.util.Arrays.stream(release.split("\\.")).mapToInt(Integer::parseInt).toArray(),
            java.util.Arrays::compare));
    for (String release : releases) {
      markdown.append("| ").append(release).append(" |");
      FEATURES.forEach(f -> markdown.append(table.get(release).get(f) ? " ✔ |" : " ✘ |"));
      markdown.append('\n');
    }
    String generated = markdown.toString();
    Path target =
        Path.of(System.getProperty("comfyagent.it.workDir", "target/it-work")).getParent();
    Files.writeString(target.resolve("sdk-matrix.md"), generated, StandardCharsets.UTF_8);
    for (String doc : List.of("README.md", "docs/agent.md")) {
      String text = Files.readString(projectRoot().resolve(doc), StandardCharsets.UTF_8);
      int begin = text.indexOf(BEGIN);
      int end = text.indexOf(END);
      assertThat(begin)
          .as(doc + " carries the matrix between " + BEGIN + " and " + END)
          .isPositive();
      assertThat(text.substring(begin + BEGIN.length(), end).strip())
          .as(doc + "'s table; the runs gave target/sdk-matrix.md")
          .isEqualTo(generated.strip());
    }
  }

  private static Path projectRoot() {
    Path dir = Path.of("").toAbsolutePath();
    return Files.exists(dir.resolve("docs/agent.md")) ? dir : dir.getParent();
  }

  private static List<Long> counts(AgentOutput output, String tool) {
    JsonNode total = output.toolTotal(tool);
    return List.of(
        total.path("calls").asLong(), total.path("ok").asLong(), total.path("err").asLong());
  }

  /** Compiles the family's server against the release's jars alone; returns its class path. */
  private static String compile(String release, String family, Path out) throws IOException {
    Path releaseDir = Path.of(System.getProperty("comfyagent.it.sdkReleases")).resolve(release);
    List<String> entries = new ArrayList<>();
    try (Stream<Path> jars = Files.list(releaseDir)) {
      jars.map(Path::toString).sorted().forEach(entries::add);
    }
    for (Path shared : PackagedJars.testClassPathEntries()) {
      String name = shared.toString();
      if (name.endsWith(".jar") && !name.contains("modelcontextprotocol")) {
        entries.add(name);
      }
    }
    String libraries = String.join(File.pathSeparator, entries);
    Path source = Path.of("src/test/resources/sdk-matrix", family, "MatrixServer.java");
    if (!Files.exists(source)) {
      source = Path.of("it-tests").resolve(source);
    }
    Files.createDirectories(out);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int status =
        javac.run(
            null, null, null, "-nowarn", "-d", out.toString(), "-cp", libraries, source.toString());
    assertThat(status).as("%s compiles against SDK %s", source, release).isZero();
    return out + File.pathSeparator + libraries;
  }

  /** One run of the server: the known mix of calls over raw JSON-RPC, then SIGTERM. */
  private static Run run(String classPath, Path dir, String agentOptions, boolean concurrent)
      throws Exception {
    Files.createDirectories(dir);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (agentOptions != null) {
      command.add("-javaagent:" + PackagedJars.agentJar() + "=" + agentOptions);
    }
    command.addAll(List.of("-cp", classPath, "MatrixServer"));
    Process process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectError(dir.resolve("stderr.txt").toFile())
            .start();
    Run run = new Run();
    Thread reader = new Thread(() -> run.read(process));
    reader.setDaemon(true);
    reader.start();
    try (OutputStream stdin = process.getOutputStream()) {
      send(stdin, request(1, "initialize", initializeParams()));
      run.await(1);
      send(stdin, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
      send(stdin, request(2, "tools/list", Map.of()));
      run.await(2);
      run.statsListed = run.responses.get(2).contains("\"get_agent_stats\"");
      int id = 10;
      for (int i = 0; i < 3; i++) {
        call(stdin, run, id++, "echo", Map.of("text", "hi " + i), null);
      }
      call(stdin, run, id++, "refuse", Map.of(), null);
      call(stdin, run, id++, "render", Map.of("prompt", "fox"), "matrix-chain");
      // Releases before 2.x lose responses emitted at once on stdio (with or without the agent):
      // their burst is sent one call at a time.
      for (int burst = 20; burst < 24; burst++) {
        send(stdin, callRequest(burst, "echo", Map.of("text", "burst " + burst), null));
        if (!concurrent) {
          run.await(burst);
        }
      }
      for (int burst = 20; burst < 24; burst++) {
        run.await(burst);
      }
      if (run.statsListed) {
        call(stdin, run, 30, "get_agent_stats", Map.of(), null);
        run.statsAnswered = run.responses.get(30).contains("\"result\"");
      }
      // Last, and not waited for beyond a few seconds: some releases drop the answer to a thrown
      // tool or an unknown tool now and then, with or without the agent (which counts both anyway).
      send(stdin, callRequest(16, "explode", Map.of(), null));
      run.awaitAtMost(16, 5_000);
      send(stdin, callRequest(17, "no_such_tool", Map.of(), null));
      run.awaitAtMost(17, 5_000);
      process.destroy();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the server stops on SIGTERM").isTrue();
    } finally {
      process.destroyForcibly();
    }
    reader.join(10_000);
    run.stderr = Files.readString(dir.resolve("stderr.txt"), StandardCharsets.UTF_8);
    return run;
  }

  private static Map<String, Object> initializeParams() {
    return Map.of(
        "protocolVersion",
        "2024-11-05",
        "capabilities",
        Map.of(),
        "clientInfo",
        Map.of("name", "matrix", "version", "1.0"));
  }

  private static void call(
      OutputStream stdin, Run run, int id, String tool, Map<String, Object> args, String chain)
      throws Exception {
    send(stdin, callRequest(id, tool, args, chain));
    run.await(id);
  }

  private static String callRequest(int id, String tool, Map<String, Object> args, String chain)
      throws IOException {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("name", tool);
    params.put("arguments", args);
    if (chain != null) {
      params.put("_meta", Map.of("correlation_id", chain));
    }
    return request(id, "tools/call", params);
  }

  private static String request(int id, String method, Map<String, Object> params)
      throws IOException {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("jsonrpc", "2.0");
    message.put("id", id);
    message.put("method", method);
    message.put("params", params);
    return JSON.writeValueAsString(message);
  }

  private static void send(OutputStream stdin, String line) throws IOException {
    stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    stdin.flush();
  }

  /** What one run wrote on stdout, by request id. */
  private static final class Run {
    final Map<Integer, String> responses = new ConcurrentHashMap<>();
    final List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
    boolean statsListed;
    boolean statsAnswered;
    String stderr = "";

    void read(Process process) {
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          lines.add(line);
          JsonNode message = JSON.readTree(line);
          if (message.has("id")) {
            responses.put(message.path("id").asInt(), line);
          }
          synchronized (this) {
            notifyAll();
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    synchronized void awaitAtMost(int id, long millis) throws InterruptedException {
      long deadline = System.currentTimeMillis() + millis;
      while (!responses.containsKey(id) && System.currentTimeMillis() < deadline) {
        wait(50);
      }
    }

    synchronized void await(int id) throws InterruptedException {
      long deadline = System.currentTimeMillis() + 60_000;
      while (!responses.containsKey(id) && System.currentTimeMillis() < deadline) {
        wait(100);
      }
      assertThat(responses).as("response to request %d", id).containsKey(id);
    }

    /**
     * Stdout as compared with and without the agent: every answer both runs got, in order, except
     * the burst (ordered by the SDK's scheduler: compared as a set), tools/list (the agent adds
     * get_agent_stats by design) and the agent's own tool's answer.
     */
    List<String> comparable(java.util.Set<Integer> answeredInBoth) {
      List<String> ordered = new ArrayList<>();
      TreeSet<String> burst = new TreeSet<>();
      for (String line : lines) {
        int id =
            responses.entrySet().stream()
                .filter(e -> e.getValue().equals(line))
                .mapToInt(Map.Entry::getKey)
                .findFirst()
                .orElse(-1);
        if (id == 2 || id == 30 || !answeredInBoth.contains(id)) {
          continue;
        }
        if (id >= 20 && id < 24) {
          burst.add(line);
        } else {
          ordered.add(line);
        }
      }
      ordered.addAll(burst);
      return ordered;
    }
  }
}
