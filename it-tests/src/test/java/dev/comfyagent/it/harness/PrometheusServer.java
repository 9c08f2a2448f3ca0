package dev.comfyagent.it.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus (Debian's {@code prometheus} package; {@code .ci/run} installs it) started on
 * loopback with a scrape configuration of the test's targets, asked through its HTTP API.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * assumeTrue(PrometheusServer.installed(), PrometheusServer.MISSING);
 * try (PrometheusServer prometheus = PrometheusServer.scraping(dir, List.of("127.0.0.1:9464"))) {
 *   JsonNode result = prometheus.query("sum(comfyagent_tool_calls_total)");
 * }
 * }</pre>
 */
public final class PrometheusServer implements AutoCloseable {

  /** Why a test that needs Prometheus is skipped. */
  public static final String MISSING =
      "prometheus and promtool are not on PATH (Debian: apt-get install prometheus; .ci/run"
          + " installs it): the real-Prometheus checks are skipped";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final int port;
  private final Path log;
  private final HttpClient http = HttpClient.newHttpClient();

  private PrometheusServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Whether {@code prometheus} and {@code promtool} are on the PATH. */
  public static boolean installed() {
    return onPath("prometheus").isPresent() && onPath("promtool").isPresent();
  }

  /** The path of {@code command} on the PATH. */
  public static Optional<Path> onPath(String command) {
    for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(entry, command);
      if (!entry.isBlank() && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** A port free on loopback now. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts Prometheus scraping {@code targets} every second, its data under {@code dir}. */
  public static PrometheusServer scraping(Path dir, List<String> targets) throws IOException {
    Files.createDirectories(dir);
    StringBuilder config = new StringBuilder();
    config.append("global:\n  scrape_interval: 1s\n  scrape_timeout: 900ms\n");
    config.append("scrape_configs:\n  - job_name: comfy-agent\n    static_configs:\n");
    config.append("      - targets: [");
    for (int i = 0; i < targets.size(); i++) {
      config.append(i == 0 ? "" : ", ").append('"').append(targets.get(i)).append('"');
    }
    config.append("]\n");
    Path file = dir.resolve("prometheus.yml");
    Files.writeString(file, config.toString());
    int port = freePort();
    Path log = dir.resolve("prometheus.log");
    Process process =
        new ProcessBuilder(
                "prometheus",
                "--config.file=" + file,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--web.enable-lifecycle")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    PrometheusServer server = new PrometheusServer(process, port, log);
    server.awaitReady();
    return server;
  }

  private void awaitReady() throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> ready =
            http.send(
                HttpRequest.newBuilder(URI.create(base() + "/-/ready"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (ready.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      if (!process.isAlive()) {
        throw new IOException("prometheus exited: " + Files.readString(log));
      }
      sleep(200);
    }
    throw new IOException("prometheus was not ready within 60 s: " + Files.readString(log));
  }

  private String base() {
    return "http://127.0.0.1:" + port;
  }

  /** The {@code data.result} of an instant query. */
  public JsonNode query(String promql) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        base()
                            + "/api/v1/query?query="
                            + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    JsonNode body = JSON.readTree(response.body());
    if (!"success".equals(body.path("status").asText())) {
      throw new IOException("query " + promql + " failed: " + response.body());
    }
    return body.path("data").path("result");
  }

  /** The targets' scrape health ({@code /api/v1/targets}). */
  public JsonNode targets() throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(base() + "/api/v1/targets")).build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body()).path("data").path("activeTargets");
  }

  /** What Prometheus printed. */
  public String log() throws IOException {
    return Files.readString(log);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
