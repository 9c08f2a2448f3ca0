package dev.comfyagent.instrument.export.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.comfyagent.instrument.config.HostPort;
import dev.comfyagent.instrument.export.KnownFigures;
import java.io.IOException;
import java.net.BindException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {

  private final KnownFigures known =
      new KnownFigures(10).calls("load_workflow", List.of(300L, 700L, 4_000L), 3);
  private final MetricsEndpoint endpoint;
  private final HttpClient http = HttpClient.newHttpClient();

  MetricsEndpointTest() throws IOException {
    endpoint =
        MetricsEndpoint.start(
            new HostPort(HostPort.LOOPBACK, 0), known.reader, known.exportHealth, known.health);
  }

  @AfterEach
  void stop() {
    endpoint.stop();
  }

  private HttpResponse<String> get(String path, String accept) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path));
    if (accept != null) {
      request.header("Accept", accept);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void prometheusAskingForOpenMetricsGetsOpenMetrics() throws Exception {
    HttpResponse<String> response =
        get(
            "/metrics",
            "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValue("application/openmetrics-text; version=1.0.0; charset=utf-8");
    assertThat(response.body())
        .contains(
            "comfyagent_tool_calls_total{gen_ai_tool_name=\"load_workflow\",outcome=\"ok\"} 2")
        .endsWith("# EOF\n");
    assertThat(known.exportHealth.scrapes()).isEqualTo(1);
  }

  @Test
  void aPlainClientGetsThePrometheusText() throws Exception {
    HttpResponse<String> response = get("/metrics", null);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(response.body()).contains("# TYPE comfyagent_tool_calls_total counter");
  }

  @Test
  void otherPathsAndMethodsAreRefused() throws Exception {
    assertThat(get("/", null).statusCode()).isEqualTo(404);
    HttpResponse<String> post =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + "/metrics"))
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(known.exportHealth.scrapes()).isZero();
  }

  @Test
  void aBarePortListensOnLoopbackOnly() {
    assertThat(endpoint.address()).startsWith("127.0.0.1:");
  }

  @Test
  void aPortInUseIsAnErrorNamingIt() {
    assertThatThrownBy(
            () ->
                MetricsEndpoint.start(
                    new HostPort(HostPort.LOOPBACK, endpoint.port()),
                    known.reader,
                    known.exportHealth,
                    known.health))
        .isInstanceOf(BindException.class);
  }
}
