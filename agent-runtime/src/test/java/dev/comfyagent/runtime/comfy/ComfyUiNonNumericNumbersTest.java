package dev.comfyagent.runtime.comfy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.comfyagent.runtime.discover.InputSpec;
import dev.comfyagent.runtime.discover.NodeDefinitions;
import dev.comfyagent.runtime.workflow.ValidationProblem;
import dev.comfyagent.runtime.workflow.Workflow;
import dev.comfyagent.runtime.workflow.WorkflowValidator;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ComfyUI answers with Python's {@code json.dumps}, which writes the floats infinity and
 * not-a-number as the bare words {@code Infinity}, {@code -Infinity} and {@code NaN} (its default
 * {@code allow_nan=True}; ComfyUI never turned it off: Comfy-Org/ComfyUI pull request #3042, "NaN-
 * safe JSON serialization", is still open). The bodies below are what a real ComfyUI sends then:
 * ComfyUI's own samplers take {@code s_tmax=float('inf')} ({@code sample_euler}, {@code
 * sample_heun}, {@code sample_dpm_2} in {@code comfy/k_diffusion/sampling.py}), and a node that
 * offers those settings as inputs publishes that default and an infinite maximum in {@code
 * /object_info}; a node's float output of {@code nan} lands in {@code /history}. A strict JSON
 * parser refused the whole body: one such input of one custom node cost the whole node catalog.
 */
class ComfyUiNonNumericNumbersTest {

  /** The shape of one {@code /object_info} entry, as ComfyUI writes it for such a node. */
  private static final String OBJECT_INFO =
      """
      {"SamplerEulerSettings": {
        "input": {"required": {
          "s_churn": ["FLOAT", {"default": 0.0, "min": 0.0, "max": 100.0, "step": 0.01}],
          "s_tmin": ["FLOAT", {"default": 0.0, "min": 0.0, "max": Infinity, "step": 0.01}],
          "s_tmax": ["FLOAT", {"default": Infinity, "min": 0.0, "max": Infinity, "step": 0.01}],
          "s_noise": ["FLOAT", {"default": 1.0, "min": -Infinity, "max": Infinity}],
          "eta": ["FLOAT", {"default": 1.0, "min": NaN, "max": 2.0}],
          "steps": ["INT", {"default": 20, "min": 1, "max": Infinity}]
        }},
        "input_order": {"required": ["s_churn", "s_tmin", "s_tmax", "s_noise", "eta", "steps"]},
        "output": ["SAMPLER"], "output_is_list": [false], "output_name": ["SAMPLER"],
        "name": "SamplerEulerSettings", "display_name": "Sampler Euler (settings)",
        "description": "", "python_module": "custom_nodes.sampler_settings",
        "category": "sampling/custom_sampling/samplers", "output_node": false
      }}
      """;

  private static final String HISTORY =
      """
      {"p-1": {"prompt": [0, "p-1", {}, {}, ["9"]],
        "outputs": {"9": {"loss": [NaN], "best": [Infinity], "worst": [-Infinity]}},
        "status": {"status_str": "success", "completed": true, "messages": []}}}
      """;

  private static final String SYSTEM_STATS =
      """
      {"system": {"os": "posix", "ram_total": 67108864000, "ram_free": 33554432000,
        "comfyui_version": "0.3.40", "python_version": "3.12.3", "embedded_python": false},
       "devices": [{"name": "cuda:0 NVIDIA GeForce RTX 4090", "type": "cuda", "index": 0,
        "vram_total": 25757220864, "vram_free": 24000000000,
        "torch_vram_total": NaN, "torch_vram_free": Infinity}]}
      """;

  private HttpServer server;
  private HttpComfyUiClient client;

  @BeforeEach
  void start() throws IOException {
    Map<String, String> bodies =
        Map.of(
            "/object_info", OBJECT_INFO,
            "/history/p-1", HISTORY,
            "/system_stats", SYSTEM_STATS);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String body = bodies.get(exchange.getRequestURI().getPath());
          byte[] bytes = (body == null ? "{}" : body).getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    server.start();
    client =
        new HttpComfyUiClient(
            HttpComfyUiClientTest.settings(server.getAddress().getPort(), Duration.ofSeconds(5)));
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void readsAnObjectInfoWhoseBoundsAreInfinityOrNaN() {
    JsonNode node = client.objectInfo().get("SamplerEulerSettings");

    JsonNode sTmax = node.at("/input/required/s_tmax/1");
    assertThat(sTmax.get("max").doubleValue()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(sTmax.get("default").doubleValue()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(node.at("/input/required/s_noise/1/min").doubleValue())
        .isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(node.at("/input/required/eta/1/min").doubleValue()).isNaN();
    assertThat(client.breakerState()).isEqualTo("CLOSED");
  }

  @Test
  void anInfiniteBoundIsNoBoundAndANaNBoundIsIgnored() {
    NodeDefinitions catalog = NodeDefinitions.parse(client.objectInfo());
    Map<String, InputSpec> inputs =
        catalog.find("SamplerEulerSettings").orElseThrow().inputs().stream()
            .collect(Collectors.toMap(InputSpec::name, i -> i));
    assertThat(inputs.get("s_tmax").max()).isNull();
    assertThat(inputs.get("s_noise").min()).isNull();
    assertThat(inputs.get("s_noise").max()).isNull();
    assertThat(inputs.get("eta").min()).isNull();
    assertThat(inputs.get("eta").max()).isEqualByComparingTo("2.0");
    assertThat(inputs.get("s_churn").max()).isEqualByComparingTo("100.0");

    assertThat(
            problems(
                catalog,
                Map.of(
                    "s_tmin", "1e308",
                    "s_tmax", "1e300",
                    "s_noise", "-1e308",
                    "eta", "-5",
                    "s_churn", "100",
                    "steps", "18446744073709551616")))
        .as("no value is beyond an infinite bound, and a NaN bound allows all")
        .isEmpty();
    assertThat(
            problems(
                catalog,
                Map.of(
                    "s_tmin", "-1",
                    "s_tmax", "1e300",
                    "s_noise", "-1e308",
                    "eta", "2.5",
                    "s_churn", "101",
                    "steps", "0")))
        .extracting(ValidationProblem::message)
        .containsExactlyInAnyOrder(
            "-1 is below the minimum 0",
            "2.5 is above the maximum 2",
            "101 is above the maximum 100",
            "0 is below the minimum 1");
  }

  @Test
  void readsHistoryAndSystemStatsHoldingInfinityOrNaN() {
    JsonNode outputs = client.history("p-1").orElseThrow().path("outputs").path("9");
    assertThat(outputs.at("/loss/0").doubleValue()).isNaN();
    assertThat(outputs.at("/best/0").doubleValue()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(outputs.at("/worst/0").doubleValue()).isEqualTo(Double.NEGATIVE_INFINITY);

    JsonNode device = client.systemStats().at("/devices/0");
    assertThat(device.get("vram_total").asLong()).isEqualTo(25757220864L);
    assertThat(device.get("torch_vram_total").doubleValue()).isNaN();
    assertThat(client.isReachable()).isTrue();
  }

  /** The problems, input by input, of one SamplerEulerSettings node with these values. */
  private static List<ValidationProblem> problems(
      NodeDefinitions catalog, Map<String, String> values) {
    ObjectNode api = new ObjectMapper().createObjectNode();
    ObjectNode node = api.putObject("1");
    node.put("class_type", "SamplerEulerSettings");
    ObjectNode inputs = node.putObject("inputs");
    values.forEach((name, value) -> inputs.set(name, parse(value)));
    return WorkflowValidator.validate(Workflow.ofApi(api), Optional.of(catalog)).problems().stream()
        .filter(p -> p.input() != null)
        .toList();
  }

  private static JsonNode parse(String number) {
    try {
      return new ObjectMapper().readTree(number);
    } catch (IOException e) {
      throw new IllegalArgumentException(number, e);
    }
  }
}
