package dev.comfyagent.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfyagent.it.harness.AgentOutput;
import dev.comfyagent.it.harness.PackagedJars;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The compatibility matrix: a small server written to each MCP Java SDK release's documented API
 * ({@code sdk-matrix/legacy} for 0.8 to 0.10, {@code v0_14} for 0.14 to 0.17, {@code current} from
 * 1.0), compiled against that release alone (its jars in a folder of its own, see the pom), run
 * synchronous and asynchronous (its tools on a Reactor worker), under the packaged agent and
 * without it, and driven with raw JSON-RPC over stdio: the same known mix of calls (ok, isError,
 * thrown, unknown tool, a tool calling a timed method with the client's {@code
 * _meta.correlation_id}, a burst). Plus the streamable HTTP transport on an embedded Tomcat (two
 * sessions), and a real third-party server: Spring AI's stdio MCP server built from its published
 * starter.
 *
 * <p>Checked for every cell, strictly: every request answered without the agent is answered with
 * it, byte for byte (the burst compared as a set: the SDK's scheduler orders it); exact counts per
 * tool and outcome; one trace line per call; the chain (a timed call inside a tool is its child, in
 * the client's correlation id, synchronous and asynchronous); every call's JSON-RPC id; {@code
 * get_agent_stats} listed and answered; the SDK's own sessions counted. One behaviour belongs to
 * the release, not to the agent: SDK releases before 2.0 emit a stdio answer with {@code
 * Sinks.Many#tryEmitNext} and no retry, so an answer emitted while another one is being emitted is
 * lost (with or without the agent). That fact is read from the release's own class file and
 * recorded in the table ("concurrent answers"); those releases get the burst one call at a time,
 * 2.x concurrently.
 *
 * <p>The release x feature table the runs give ({@code target/sdk-matrix.md}) is the one README.md
 * and docs/agent.md carry; the last check says when they differ.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SdkReleaseMatrixIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> FEATURES =
      List.of(
          "tool calls counted",
          "one trace per call",
          "chains + _meta.correlation_id",
          "async tool chains",
          "jsonrpc.request.id",
          "answers unchanged",
          "concurrent answers",
          "get_agent_stats",
          "sessions");
  private static final List<String> ROWS =
      List.of(
          "0.8.1",
          "0.9.0",
          "0.10.0",
          "0.14.1",
          "0.17.2",
          "1.0.0",
          "1.1.5",
          "2.2.0",
          "2.2.0 streamable HTTP",
          "Spring AI 1.0.3 stdio (SDK 0.10.0)");
  private static final String BEGIN = "<!-- sdk-matrix:begin -->";
  private static final String END = "<!-- sdk-matrix:end -->";
  private static final String CHAIN = "matrix-chain";
  private static final int STATS_ID = 30;

  private final Map<String, Map<String, Boolean>> table = new ConcurrentHashMap<>();

  @ParameterizedTest(name = "MCP SDK {0}")
  @CsvSource({
    "0.8.1, legacy, false",
    "0.9.0, legacy, false",
    "0.10.0, legacy, false",
    "0.14.1, v0_14, false",
    "0.17.2, v0_14, false",
    "1.0.0, current, false",
    "1.1.5, current, false",
    "2.2.0, current, true"
  })
  void theKnownMixIsObservedExactly(String release, String family, boolean concurrentAnswers)
      throws Exception {
    Path dir = PackagedJars.workDir("sdk-" + release);
    Path releaseDir = releaseDir(release);
    String classPath =
        compile(List.of(releaseDir), dir.resolve("classes"), source(family, "MatrixServer.java"));
    boolean concurrent = answersConcurrentlyOnStdio(releaseDir);
    assertThat(concurrent)
        .as(
            "SDK %s's stdio transport retries an emission that another one is in the way of",
            release)
        .isEqualTo(concurrentAnswers);
    Map<String, Boolean> row = new LinkedHashMap<>();
    for (String mode : List.of("sync", "async")) {
      Mix mix = new Mix(true, "MatrixServer$Renderer#render");
      List<String> command = List.of("-cp", classPath, "MatrixServer", mode);
      stdioCell(dir.resolve(mode), command, mix, concurrent, row, mode.equals("async"));
    }
    row.put("concurrent answers", concurrent);
    table.put(release, row);
  }

  @Test
  void theStreamableHttpTransportIsObservedExactlyWithTwoSessions() throws Exception {
    Path dir = PackagedJars.workDir("sdk-2.2.0-http");
    String classPath =
        compile(
            List.of(releaseDir("2.2.0"), releaseDir("tomcat")),
            dir.resolve("classes"),
            source("current", "MatrixServer.java"),
            source("http", "MatrixHttpServer.java"));
    Map<String, Boolean> row = new LinkedHashMap<>();
    for (String mode : List.of("sync", "async")) {
      Mix mix = new Mix(true, "MatrixServer$Renderer#render");
      Run plain = httpRun(dir.resolve(mode + "/plain"), classPath, mode, null, mix);
      Path logs = dir.resolve(mode + "/agent/logs");
      Run observed =
          httpRun(dir.resolve(mode + "/agent"), classPath, mode, agentOptions(logs, mix), mix);
      check(plain, observed, new AgentOutput(logs), mix, row, mode.equals("async"));
      assertThat(observed.stats.path("structuredContent").path("sessions").path("active").asInt())
          .as("the streamable HTTP transport's two sessions")
          .isEqualTo(2);
    }
    row.put("concurrent answers", true);
    table.put("2.2.0 streamable HTTP", row);
  }

  @Test
  void theHttpSseTransportsSessionsAreCountedFromItsSessionMap() throws Exception {
    Path dir = PackagedJars.workDir("sdk-2.2.0-sse");
    String classPath =
        compile(
            List.of(releaseDir("2.2.0"), releaseDir("tomcat")),
            dir.resolve("classes"),
            source("current", "MatrixServer.java"),
            source("http", "MatrixHttpServer.java"));
    int port = freePort();
    Path logs = dir.resolve("agent/logs");
    Process process =
        start(
            dir.resolve("agent"),
            List.of("-cp", classPath, "MatrixHttpServer", "sync", "" + port, "sse"),
            "output.dir=" + logs);
    JsonNode stats;
    try {
      awaitListening(process, dir.resolve("agent/stderr.txt"));
      SseSession a = new SseSession(port);
      SseSession b = new SseSession(port);
      for (SseSession session : List.of(a, b)) {
        session.post(1, request(1, "initialize", initializeParams("2024-11-05")));
        session.post(-1, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
      }
      b.post(10, callRequest(10, "echo", Map.of("text", "over sse"), null));
      a.post(STATS_ID, callRequest(STATS_ID, "get_agent_stats", Map.of(), null));
      stats = JSON.readTree(a.run.responses.get(STATS_ID)).path("result");
      process.destroy();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the server stops on SIGTERM").isTrue();
    } finally {
      process.destroyForcibly();
    }
    assertThat(stats.path("structuredContent").path("sessions").path("active").asInt())
        .as("the HTTP+SSE transport's two sessions")
        .isEqualTo(2);
    AgentOutput output = new AgentOutput(logs);
    assertThat(counts(output, "echo")).containsExactly(1L, 1L, 0L);
    JsonNode echo = output.tracesOf("echo").get(0);
    JsonNode statsCall = output.tracesOf("get_agent_stats").get(0);
    assertThat(echo.path("jsonrpc.request.id").asInt()).isEqualTo(10);
    assertThat(echo.path("mcp.session.id").asText())
        .isNotEmpty()
        .isNotEqualTo(statsCall.path("mcp.session.id").asText());
  }

  @Test
  void springAisStdioServerBuiltFromItsStarterIsObservedExactly() throws Exception {
    Path server = Path.of(System.getProperty("comfyagent.it.springAiServer"));
    Path dir = PackagedJars.workDir("spring-ai-1.0.3");
    String classPath =
        server.resolve("spring-ai-stdio-server-1.jar")
            + File.pathSeparator
            + server.resolve("lib").toAbsolutePath()
            + File.separator
            + "*";
    try (Stream<Path> libs = Files.list(server.resolve("lib"))) {
      assertThat(libs.map(p -> p.getFileName().toString()))
          .as("Spring AI 1.0.3 brings MCP Java SDK 0.10.0")
          .contains("mcp-0.10.0.jar", "spring-ai-mcp-1.0.3.jar");
    }
    boolean concurrent = answersConcurrentlyOnStdio(server.resolve("lib"));
    assertThat(concurrent).isFalse();
    Map<String, Boolean> row = new LinkedHashMap<>();
    for (String mode : List.of("SYNC", "ASYNC")) {
      Mix mix = new Mix(false, "dev.comfyagent.it.springai.MatrixSpringAiServer$Renderer#render");
      List<String> command =
          List.of(
              "-cp",
              classPath,
              "dev.comfyagent.it.springai.MatrixSpringAiServer",
              "--spring.ai.mcp.server.type=" + mode);
      stdioCell(dir.resolve(mode), command, mix, concurrent, row, mode.equals("ASYNC"));
    }
    row.put("concurrent answers", concurrent);
    table.put(ROWS.get(ROWS.size() - 1), row);
  }

  @AfterAll
  void theDocumentedTableIsTheOneTheseRunsGive() throws IOException {
    if (table.size() < ROWS.size()) {
      return; // a cell failed above; its own test says why
    }
    StringBuilder markdown = new StringBuilder("| MCP Java SDK |");
    FEATURES.forEach(feature -> markdown.append(' ').append(feature).append(" |"));
    markdown.append("\n|---|").append("---|".repeat(FEATURES.size())).append('\n');
    for (String release : ROWS) {
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

  /** What a server serves: whether it has the isError tool, and the timed method's trace name. */
  private record Mix(boolean refuse, String timed) {

    /** The ids of the tool calls, by tool. */
    Map<Integer, String> calls() {
      Map<Integer, String> calls = new TreeMap<>();
      calls.put(10, "echo");
      calls.put(11, "echo");
      calls.put(12, "echo");
      if (refuse) {
        calls.put(13, "refuse");
      }
      calls.put(14, "render");
      calls.put(16, "explode");
      calls.put(17, "no_such_tool");
      for (int burst = 20; burst < 24; burst++) {
        calls.put(burst, "echo");
      }
      return calls;
    }

    Map<String, Object> arguments(int id) {
      return switch (calls().get(id)) {
        case "echo" -> Map.of("text", "hi " + id);
        case "render" -> Map.of("prompt", "fox");
        default -> Map.of();
      };
    }

    /** The timed method's name in traces and metrics: the simple class name, then the method. */
    String timedTraceName() {
      return "Renderer#render";
    }
  }

  private static String agentOptions(Path logs, Mix mix) {
    return "output.dir=" + logs + ",tools=" + mix.timed();
  }

  /** One cell over stdio: the mix without and with the agent, checked; the row filled. */
  private static void stdioCell(
      Path dir,
      List<String> command,
      Mix mix,
      boolean concurrent,
      Map<String, Boolean> row,
      boolean async)
      throws Exception {
    Run plain = stdioRun(dir.resolve("plain"), command, null, mix, concurrent);
    Path logs = dir.resolve("agent/logs");
    Run observed =
        stdioRun(dir.resolve("agent"), command, agentOptions(logs, mix), mix, concurrent);
    check(plain, observed, new AgentOutput(logs), mix, row, async);
    assertThat(
            observed.stats.path("structuredContent").isMissingNode()
                ? observed.statsText.contains("Sessions:         1 active")
                : observed.stats.path("structuredContent").path("sessions").path("active").asInt()
                    == 1)
        .as("the stdio transport's one session, in get_agent_stats")
        .isTrue();
  }

  /** The checks every cell passes; fills the row (a failed check fails the test). */
  private static void check(
      Run plain, Run observed, AgentOutput output, Mix mix, Map<String, Boolean> row, boolean async)
      throws IOException {
    Set<Integer> expected = new TreeSet<>(List.of(1, 2));
    expected.addAll(mix.calls().keySet());
    Set<Integer> plainExpected = new TreeSet<>(expected);
    plainExpected.removeAll(plain.lostBySdk);
    assertThat(plain.responses.keySet()).as("answered without the agent").isEqualTo(plainExpected);
    Set<Integer> withStats = new TreeSet<>(expected);
    withStats.add(STATS_ID);
    withStats.removeAll(observed.lostBySdk);
    assertThat(observed.responses.keySet()).as("answered with the agent").isEqualTo(withStats);
    Set<Integer> lost = new TreeSet<>(plain.lostBySdk);
    lost.addAll(observed.lostBySdk);
    assertThat(observed.comparable(lost)).isEqualTo(plain.comparable(lost));
    assertThat(observed.stderr).doesNotContain("internal error");
    row.merge("answers unchanged", true, Boolean::logicalAnd);

    assertThat(counts(output, "echo")).containsExactly(7L, 7L, 0L);
    if (mix.refuse()) {
      assertThat(counts(output, "refuse")).containsExactly(1L, 0L, 1L);
    }
    assertThat(counts(output, "explode")).containsExactly(1L, 0L, 1L);
    assertThat(counts(output, "no_such_tool")).containsExactly(1L, 0L, 1L);
    assertThat(counts(output, "render")).containsExactly(1L, 1L, 0L);
    assertThat(counts(output, mix.timedTraceName())).containsExactly(1L, 1L, 0L);
    assertThat(counts(output, "get_agent_stats")).containsExactly(1L, 1L, 0L);
    JsonNode last = output.finalMetrics();
    assertThat(last.path("agent").path("internal_errors").asLong()).isZero();
    assertThat(last.path("agent").path("tool_calls_observable").asBoolean()).isTrue();
    assertThat(last.path("sessions").path("active").isInt())
        .as("sessions in metrics.jsonl")
        .isTrue();
    row.merge("tool calls counted", true, Boolean::logicalAnd);
    row.merge("sessions", true, Boolean::logicalAnd);

    assertThat(output.traces()).hasSize(mix.calls().size() + 1 + 1);
    row.merge("one trace per call", true, Boolean::logicalAnd);

    JsonNode render = output.tracesOf("render").get(0);
    JsonNode inner = output.tracesOf(mix.timedTraceName()).get(0);
    assertThat(render.path("correlation_id").asText()).isEqualTo(CHAIN);
    assertThat(inner.path("correlation_id").asText()).isEqualTo(CHAIN);
    assertThat(inner.path("parent").asInt()).isEqualTo(render.path("seq").asInt());
    row.merge(
        async ? "async tool chains" : "chains + _meta.correlation_id", true, Boolean::logicalAnd);

    Map<Integer, String> byId = new TreeMap<>();
    for (JsonNode trace : output.traces()) {
      if (trace.has("mcp.method.name")) {
        assertThat(trace.path("jsonrpc.request.id").isInt())
            .as("jsonrpc.request.id of %s", trace)
            .isTrue();
        byId.put(trace.path("jsonrpc.request.id").asInt(), trace.path("tool_name").asText());
      }
    }
    Map<Integer, String> calls = new TreeMap<>(mix.calls());
    calls.put(STATS_ID, "get_agent_stats");
    assertThat(byId).isEqualTo(calls);
    row.merge("jsonrpc.request.id", true, Boolean::logicalAnd);

    assertThat(observed.toolsListed).contains("get_agent_stats");
    assertThat(observed.statsText).contains("instrument-javaagent");
    row.merge("get_agent_stats", true, Boolean::logicalAnd);
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

  private static Path releaseDir(String release) {
    return Path.of(System.getProperty("comfyagent.it.sdkReleases")).resolve(release);
  }

  private static Path source(String family, String file) {
    Path source = Path.of("src/test/resources/sdk-matrix", family, file);
    return Files.exists(source) ? source : Path.of("it-tests").resolve(source);
  }

  /**
   * Whether the release's stdio transport survives two answers emitted at once: 2.x emits with
   * {@code emitNext(message, busyLooping(...))}; releases before it call {@code tryEmitNext} once
   * and drop the answer when another emission is in the way ("Failed to enqueue message").
   */
  private static boolean answersConcurrentlyOnStdio(Path releaseDir) throws IOException {
    String transport =
        "io/modelcontextprotocol/server/transport/StdioServerTransportProvider$StdioMcpSessionTransport.class";
    try (Stream<Path> jars = Files.list(releaseDir)) {
      for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
        try (JarFile file = new JarFile(jar.toFile())) {
          ZipEntry entry = file.getEntry(transport);
          if (entry != null) {
            try (InputStream in = file.getInputStream(entry)) {
              String constants = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
              assertThat(constants).contains("Failed to enqueue message");
              return constants.contains("busyLooping");
            }
          }
        }
      }
    }
    throw new AssertionError("no stdio transport in " + releaseDir);
  }

  /** Compiles the sources against the folders' jars alone (then this module's common libraries). */
  private static String compile(List<Path> folders, Path out, Path... sources) throws IOException {
    List<String> entries = new ArrayList<>();
    for (Path folder : folders) {
      try (Stream<Path> jars = Files.list(folder)) {
        jars.map(Path::toString).sorted().forEach(entries::add);
      }
    }
    for (Path shared : PackagedJars.testClassPathEntries()) {
      String name = shared.toString();
      if (name.endsWith(".jar") && !name.contains("modelcontextprotocol")) {
        entries.add(name);
      }
    }
    String libraries = String.join(File.pathSeparator, entries);
    Files.createDirectories(out);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> arguments =
        new ArrayList<>(List.of("-nowarn", "-d", out.toString(), "-cp", libraries));
    for (Path source : sources) {
      arguments.add(source.toString());
    }
    int status = javac.run(null, null, null, arguments.toArray(String[]::new));
    assertThat(status).as("%s compile against %s", List.of(sources), folders).isZero();
    String classPath = out + File.pathSeparator + libraries;
    // For a look by hand: java -cp "$(cat classpath.txt)" MatrixServer
    Files.writeString(out.resolveSibling("classpath.txt"), classPath, StandardCharsets.UTF_8);
    return classPath;
  }

  private static Process start(Path dir, List<String> arguments, String agentOptions)
      throws IOException {
    Files.createDirectories(dir);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (agentOptions != null) {
      command.add("-javaagent:" + PackagedJars.agentJar() + "=" + agentOptions);
    }
    command.addAll(arguments);
    return new ProcessBuilder(command)
        .directory(dir.toFile())
        .redirectError(dir.resolve("stderr.txt").toFile())
        .start();
  }

  /** One run over stdio: the mix over raw JSON-RPC, then SIGTERM; stdout read to its end. */
  private static Run stdioRun(
      Path dir, List<String> arguments, String agentOptions, Mix mix, boolean concurrent)
      throws Exception {
    Process process = start(dir, arguments, agentOptions);
    Run run = new Run();
    Thread reader = new Thread(() -> run.read(process.getInputStream()));
    reader.setDaemon(true);
    reader.start();
    try (OutputStream stdin = process.getOutputStream()) {
      send(stdin, request(1, "initialize", initializeParams()));
      run.await(1);
      send(stdin, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
      send(stdin, request(2, "tools/list", Map.of()));
      run.await(2);
      run.toolsListed = run.responses.get(2);
      for (int id : mix.calls().keySet()) {
        if (id >= 20) {
          continue;
        }
        send(
            stdin,
            callRequest(id, mix.calls().get(id), mix.arguments(id), id == 14 ? CHAIN : null));
        run.awaitOneAtATime(id, concurrent);
      }
      for (int burst = 20; burst < 24; burst++) {
        send(stdin, callRequest(burst, "echo", mix.arguments(burst), null));
        if (!concurrent) {
          run.awaitOneAtATime(burst, false);
        }
      }
      for (int burst = 20; burst < 24; burst++) {
        run.await(burst);
      }
      if (agentOptions != null) {
        send(stdin, callRequest(STATS_ID, "get_agent_stats", Map.of(), null));
        run.await(STATS_ID);
        run.readStats(run.responses.get(STATS_ID));
      }
      process.destroy();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the server stops on SIGTERM").isTrue();
    } finally {
      process.destroyForcibly();
    }
    reader.join(10_000);
    run.stderr = Files.readString(dir.resolve("stderr.txt"), StandardCharsets.UTF_8);
    return run;
  }

  /**
   * One run over streamable HTTP: session A gets the mix (its burst sent at once), session B only
   * initializes, then A asks for the stats; SIGTERM.
   */
  private static Run httpRun(Path dir, String classPath, String mode, String agentOptions, Mix mix)
      throws Exception {
    int port = freePort();
    Process process =
        start(dir, List.of("-cp", classPath, "MatrixHttpServer", mode, "" + port), agentOptions);
    Run run = new Run();
    try {
      Path stderr = dir.resolve("stderr.txt");
      awaitListening(process, stderr);
      HttpSession a = new HttpSession(URI.create("http://127.0.0.1:" + port + "/mcp"), run);
      a.post(1, request(1, "initialize", initializeParams()));
      a.post(-1, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
      a.post(2, request(2, "tools/list", Map.of()));
      run.toolsListed = run.responses.get(2);
      for (int id : mix.calls().keySet()) {
        if (id == 16) {
          a.postThrowing(id, callRequest(id, "explode", mix.arguments(id), null), stderr);
        } else if (id < 20) {
          a.post(
              id, callRequest(id, mix.calls().get(id), mix.arguments(id), id == 14 ? CHAIN : null));
        }
      }
      List<CompletableFuture<Void>> burst = new ArrayList<>();
      for (int id = 20; id < 24; id++) {
        int sent = id;
        burst.add(
            CompletableFuture.runAsync(
                () -> a.post(sent, callRequest(sent, "echo", mix.arguments(sent), null))));
      }
      CompletableFuture.allOf(burst.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      HttpSession b = new HttpSession(a.endpoint, new Run());
      b.post(1, request(1, "initialize", initializeParams()));
      b.post(-1, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
      assertThat(b.sessionId).isNotEqualTo(a.sessionId);
      if (agentOptions != null) {
        a.post(STATS_ID, callRequest(STATS_ID, "get_agent_stats", Map.of(), null));
        run.readStats(run.responses.get(STATS_ID));
      }
      process.destroy();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the server stops on SIGTERM").isTrue();
    } finally {
      process.destroyForcibly();
    }
    run.stderr = Files.readString(dir.resolve("stderr.txt"), StandardCharsets.UTF_8);
    return run;
  }

  private static int freePort() throws IOException {
    try (ServerSocket free = new ServerSocket(0)) {
      return free.getLocalPort();
    }
  }

  private static void awaitListening(Process process, Path stderr) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (!Files.readString(stderr).contains("matrix: listening")) {
      assertThat(process.isAlive())
          .as("the HTTP server runs: %s", Files.readString(stderr))
          .isTrue();
      assertThat(System.currentTimeMillis()).as("the HTTP server listens").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  /**
   * One client session of the HTTP+SSE transport: an event stream ({@code GET /sse}) whose first
   * event names the endpoint to post messages to; the answers come on the stream.
   */
  private static final class SseSession {
    final Run run = new Run();
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final java.util.concurrent.CompletableFuture<URI> endpoint = new CompletableFuture<>();

    SseSession(int port) throws Exception {
      URI base = URI.create("http://127.0.0.1:" + port);
      HttpRequest stream =
          HttpRequest.newBuilder(base.resolve("/sse"))
              .header("Accept", "text/event-stream")
              .build();
      client
          .sendAsync(stream, HttpResponse.BodyHandlers.ofLines())
          .thenAccept(
              response -> {
                String event = "";
                for (String line : (Iterable<String>) response.body()::iterator) {
                  if (line.startsWith("event:")) {
                    event = line.substring(6).strip();
                  } else if (line.startsWith("data:")) {
                    String data = line.substring(5).strip();
                    if (event.equals("endpoint")) {
                      endpoint.complete(base.resolve(data));
                    } else {
                      try {
                        run.accept(data);
                      } catch (IOException e) {
                        throw new UncheckedIOException(e);
                      }
                    }
                  }
                }
              });
      endpoint.get(60, TimeUnit.SECONDS);
    }

    /** Posts one message to the session's endpoint; a request's answer comes on the stream. */
    void post(int id, String message) throws Exception {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(endpoint.get())
                  .timeout(Duration.ofSeconds(60))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(message))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as("HTTP status of %s", message).isBetween(200, 202);
      if (id >= 0) {
        run.await(id);
      }
    }
  }

  /** One client session of the streamable HTTP transport. */
  private static final class HttpSession {
    final URI endpoint;
    final Run run;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    volatile String sessionId;

    HttpSession(URI endpoint, Run run) {
      this.endpoint = endpoint;
      this.run = run;
    }

    /**
     * Posts the call of a tool that throws. SDK 2.2.0's streamable HTTP transport now and then
     * loses that answer, with or without the agent: the servlet closes the response while the SDK
     * still writes the error to it, and the SDK logs "Failed to send message to session ...: Client
     * disconnected". A missing answer is accepted only with that line of the SDK's on the server's
     * stderr; it is then left out of the comparison for both runs.
     */
    void postThrowing(int id, String message, Path serverStderr) throws Exception {
      try {
        post(id, message);
        return;
      } catch (AssertionError missing) {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
          String log = Files.readString(serverStderr, StandardCharsets.UTF_8);
          if (log.contains("Failed to send message to session")
              && log.contains("Client disconnected")) {
            run.lostBySdk.add(id);
            return;
          }
          Thread.sleep(100);
        }
        throw missing;
      }
    }

    /**
     * Posts one message and reads the answer (JSON, or an SSE stream) event by event, as an SSE
     * client does. SDK 2.2.0 now and then closes the stream of a thrown tool's answer before its
     * last chunk, with or without the agent (seen with curl too): the event has arrived whole by
     * then, and is what is compared; the answer itself must be there.
     */
    void post(int id, String message) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(endpoint)
              .timeout(Duration.ofSeconds(60))
              .header("Content-Type", "application/json")
              .header("Accept", "application/json, text/event-stream")
              .POST(HttpRequest.BodyPublishers.ofString(message));
      if (sessionId != null) {
        request.header("Mcp-Session-Id", sessionId);
      }
      try {
        HttpResponse<InputStream> response =
            client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).as("HTTP status of %s", message).isBetween(200, 202);
        response.headers().firstValue("Mcp-Session-Id").ifPresent(s -> sessionId = s);
        try (BufferedReader body =
            new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
          for (String line = body.readLine(); line != null; line = body.readLine()) {
            String json = line.startsWith("data:") ? line.substring(5).strip() : line.strip();
            if (json.startsWith("{")) {
              run.accept(json);
            }
          }
        } catch (IOException cut) {
          run.streamsCut.incrementAndGet();
        }
        if (id >= 0) {
          assertThat(run.responses).as("answer to request %d", id).containsKey(id);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private static Map<String, Object> initializeParams() {
    return initializeParams("2025-03-26");
  }

  private static Map<String, Object> initializeParams(String protocolVersion) {
    return Map.of(
        "protocolVersion",
        protocolVersion,
        "capabilities",
        Map.of(),
        "clientInfo",
        Map.of("name", "matrix", "version", "1.0"));
  }

  private static String callRequest(int id, String tool, Map<String, Object> args, String chain) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("name", tool);
    params.put("arguments", args);
    if (chain != null) {
      params.put("_meta", Map.of("correlation_id", chain));
    }
    return request(id, "tools/call", params);
  }

  private static String request(int id, String method, Map<String, Object> params) {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("jsonrpc", "2.0");
    message.put("id", id);
    message.put("method", method);
    message.put("params", params);
    try {
      return JSON.writeValueAsString(message);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void send(OutputStream stdin, String line) throws IOException {
    stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    stdin.flush();
  }

  /** What one run answered, by request id. */
  private static final class Run {
    final Map<Integer, String> responses = new ConcurrentHashMap<>();
    final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    String toolsListed = "";
    JsonNode stats = JSON.missingNode();
    String statsText = "";
    String stderr = "";
    final java.util.concurrent.atomic.AtomicInteger streamsCut =
        new java.util.concurrent.atomic.AtomicInteger();
    final Set<Integer> lostBySdk = ConcurrentHashMap.newKeySet();

    void read(InputStream stdout) {
      try (BufferedReader out =
          new BufferedReader(new InputStreamReader(stdout, StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          accept(line);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    void accept(String line) throws IOException {
      lines.add(line);
      JsonNode message = JSON.readTree(line);
      if (message.has("id")) {
        responses.put(message.path("id").asInt(), line);
      }
      synchronized (this) {
        notifyAll();
      }
    }

    void readStats(String answer) throws IOException {
      JsonNode result = JSON.readTree(answer).path("result");
      stats = result;
      statsText = result.path("content").path(0).path("text").asText();
    }

    synchronized void await(int id) throws InterruptedException {
      long deadline = System.currentTimeMillis() + 60_000;
      while (!responses.containsKey(id) && System.currentTimeMillis() < deadline) {
        wait(100);
      }
      assertThat(responses).as("response to request %d", id).containsKey(id);
    }

    /**
     * Waits for an answer; on a release that loses concurrent answers, also lets the emitting
     * thread leave the SDK's emitter before the next request can make another thread emit.
     */
    void awaitOneAtATime(int id, boolean concurrent) throws InterruptedException {
      await(id);
      if (!concurrent) {
        Thread.sleep(50);
      }
    }

    /**
     * The answers as compared with and without the agent: every answer in order, except the burst
     * (ordered by the SDK's scheduler: compared as a set), tools/list (the agent adds
     * get_agent_stats by design) and the agent's own tool's answer.
     */
    List<String> comparable(Set<Integer> lostInEither) {
      List<String> ordered = new ArrayList<>();
      TreeSet<String> burst = new TreeSet<>();
      Map<String, Integer> ids = new LinkedHashMap<>();
      responses.forEach((id, line) -> ids.put(line, id));
      Set<String> seen = new HashSet<>();
      for (String line : new ArrayList<>(lines)) {
        Integer id = ids.get(line);
        if (id == null
            || id == 2
            || id == STATS_ID
            || lostInEither.contains(id)
            || !seen.add(line)) {
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
