package dev.comfyagent.it.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.comfyagent.it.fixture.BusyToolHost;
import dev.comfyagent.it.harness.ChildJvm;
import dev.comfyagent.it.harness.PackagedJars;
import dev.comfyagent.it.harness.PrometheusServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fleet example of docs/fleet.md ({@code config/fleet/}) holds together: Prometheus accepts its
 * configuration ({@code promtool check config}) and scrapes exactly the runtimes that serve {@code
 * /metrics}, at the port they serve it on; the collector receives OTLP/HTTP where the runtimes send
 * it; and the packaged agent accepts every runtime's options ({@code strict=true}).
 */
class FleetExampleIT {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Path FLEET = Path.of("..", "config", "fleet").toAbsolutePath().normalize();

  private static Map<String, String> environment(JsonNode service) {
    Map<String, String> env = new java.util.LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = service.path("environment").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      env.put(e.getKey(), e.getValue().asText());
    }
    return env;
  }

  @Test
  void prometheusScrapesEveryRuntimeAtTheAddressItServesAndTheCollectorListensWhereTheySend()
      throws Exception {
    JsonNode compose = YAML.readTree(FLEET.resolve("compose.yml").toFile());
    List<String> served = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = compose.path("services").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> service = it.next();
      String http = environment(service.getValue()).get("COMFYAGENT_METRICS_HTTP");
      if (http != null) {
        assertThat(http)
            .as("named on purpose: a bare port is the container's loopback")
            .startsWith("0.0.0.0:");
        served.add(service.getKey() + http.substring(http.indexOf(':')));
        assertThat(environment(service.getValue()).get("COMFYAGENT_OTLP_ENDPOINT"))
            .isEqualTo("http://otel-collector:4318");
      }
    }
    JsonNode prometheus = YAML.readTree(FLEET.resolve("prometheus.yml").toFile());
    List<String> targets = new ArrayList<>();
    prometheus
        .path("scrape_configs")
        .get(0)
        .path("static_configs")
        .get(0)
        .path("targets")
        .forEach(t -> targets.add(t.asText()));
    assertThat(served).hasSizeGreaterThanOrEqualTo(2);
    assertThat(targets).containsExactlyInAnyOrderElementsOf(served);
    JsonNode collector = YAML.readTree(FLEET.resolve("otel-collector.yaml").toFile());
    assertThat(collector.at("/receivers/otlp/protocols/http/endpoint").asText())
        .isEqualTo("0.0.0.0:4318");
    assertThat(collector.at("/service/pipelines/traces/receivers").toString()).contains("otlp");
    assertThat(collector.at("/service/pipelines/metrics/receivers").toString()).contains("otlp");
    if (PrometheusServer.installed()) {
      Process check =
          new ProcessBuilder(
                  "promtool", "check", "config", FLEET.resolve("prometheus.yml").toString())
              .redirectErrorStream(true)
              .start();
      String said = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(check.waitFor()).as(said).isZero();
    }
  }

  @Test
  void thePackagedAgentAcceptsEveryRuntimesOptions() throws Exception {
    JsonNode compose = YAML.readTree(FLEET.resolve("compose.yml").toFile());
    Map<String, String> env = environment(compose.path("services").path("runtime-1"));
    Path dir = PackagedJars.workDir("fleet-example");
    ChildJvm.Builder jvm =
        ChildJvm.java()
            .agent(
                "strict=true,gpu=off,output.dir="
                    + dir.resolve("logs")
                    + ",tools=dev.comfyagent.it.fixture.BusyToolHost$*#run")
            .classPath(PackagedJars.testClassPath())
            .main(BusyToolHost.class.getName())
            .args("1", "5")
            .workDir(dir);
    // Loopback stands in for the containers' names; the values' forms are the example's.
    env.forEach(
        (name, value) ->
            jvm.env(
                name,
                value
                    .replace("0.0.0.0:9464", "127.0.0.1:" + PrometheusServer.freePort())
                    .replace("otel-collector", "127.0.0.1")));
    try (ChildJvm host = jvm.start()) {
      assertThat(host.waitFor(Duration.ofMinutes(2))).as(host.stderr()).isZero();
      assertThat(host.stderr()).doesNotContain("option");
    }
    assertThat(Files.readString(dir.resolve("logs").resolve("metrics.jsonl")))
        .contains("\"service.name\":\"comfy-agent-runtime\"");
  }
}
