package dev.comfyagent.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ComfyUiSimulatorHttpTest {

  private ComfyUiSimulator comfy;
  private SimulatorClient client;

  @BeforeEach
  void start() {
    comfy = ComfyUiSimulator.builder().port(0).stepDelay(Duration.ofMillis(1)).start();
    client = new SimulatorClient(comfy);
  }

  @AfterEach
  void stop() {
    comfy.close();
  }

  private static ObjectNode txt2img() {
    return SimulatorClient.resource("txt2img.json");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/system_stats", "/api/system_stats"})
  void servesSystemStatsWithComfyUiFields(String path) {
    JsonNode stats = client.get(path).json();

    assertThat(stats.get("system").fieldNames())
        .toIterable()
        .contains(
            "os",
            "ram_total",
            "ram_free",
            "comfyui_version",
            "python_version",
            "pytorch_version",
            "embedded_python",
            "argv");
    JsonNode device = stats.get("devices").get(0);
    assertThat(device.fieldNames())
        .toIterable()
        .containsExactly(
            "name",
            "type",
            "index",
            "vram_total",
            "vram_free",
            "torch_vram_total",
            "torch_vram_free");
    assertThat(stats.get("system").get("argv").toString()).contains(String.valueOf(comfy.port()));
    assertThat(stats.get("system").get("simulator").asText()).contains("simulator");
  }

  @Test
  void objectInfoListsCoreNodesInComfyUiShape() {
    JsonNode all = client.get("/object_info").json();

    assertThat(all.size()).isGreaterThanOrEqualTo(40).isEqualTo(comfy.nodeTypeCount());
    JsonNode ksampler = all.get("KSampler");
    assertThat(ksampler.fieldNames())
        .toIterable()
        .contains(
            "input",
            "input_order",
            "output",
            "output_is_list",
            "output_name",
            "name",
            "display_name",
            "description",
            "python_module",
            "category",
            "output_node");
    assertThat(ksampler.at("/input_order/required").toString())
        .isEqualTo(
            "[\"model\",\"seed\",\"steps\",\"cfg\",\"sampler_name\",\"scheduler\",\"positive\",\"negative\",\"latent_image\",\"denoise\"]");
    assertThat(ksampler.at("/input/required/seed/1/max").bigIntegerValue())
        .hasToString("18446744073709551615");
    assertThat(all.at("/SaveImage/output_node").asBoolean()).isTrue();
    assertThat(all.at("/ImageUpscaleWithModel/python_module").asText())
        .isEqualTo("comfy_extras.nodes_upscale_model");
  }

  @Test
  void objectInfoOfUnknownClassIsAnEmptyObject() {
    assertThat(client.get("/object_info/NoSuchNode").json().size()).isZero();
    assertThat(client.get("/api/object_info/KSampler").json().has("KSampler")).isTrue();
  }

  @Test
  void modelListsFollowTheModelFolders() {
    assertThat(client.get("/models").json().toString()).contains("checkpoints", "loras", "vae");
    assertThat(client.get("/models/nope").status()).isEqualTo(404);

    comfy.addModel("checkpoints", "juggernautXL_v9.safetensors");

    assertThat(client.get("/models/checkpoints").json().toString())
        .contains("juggernautXL_v9.safetensors");
    assertThat(
            client
                .get("/object_info/CheckpointLoaderSimple")
                .json()
                .at("/CheckpointLoaderSimple/input/required/ckpt_name/0")
                .toString())
        .contains("juggernautXL_v9.safetensors");
    assertThat(comfy.removeModel("checkpoints", "juggernautXL_v9.safetensors")).isTrue();
  }

  @Test
  void acceptsAValidPromptAndRecordsItsOutputsInTheHistory() throws Exception {
    SimulatorClient.Answer answer = client.postPrompt(txt2img(), "c1");

    assertThat(answer.status()).isEqualTo(200);
    JsonNode queued = answer.json();
    assertThat(queued.get("node_errors").size()).isZero();
    String promptId = queued.get("prompt_id").asText();
    JsonNode entry = client.awaitHistory(promptId);
    assertThat(entry.at("/prompt/1").asText()).isEqualTo(promptId);
    assertThat(entry.at("/prompt/4").toString()).isEqualTo("[\"9\"]");
    assertThat(entry.at("/prompt/3/client_id").asText()).isEqualTo("c1");
    assertThat(entry.at("/outputs/9/images/0/filename").asText()).isEqualTo("ComfyUI_00001_.png");
    assertThat(entry.at("/status/status_str").asText()).isEqualTo("success");
    assertThat(entry.at("/status/completed").asBoolean()).isTrue();
    assertThat(entry.at("/status/messages").findValuesAsText("prompt_id")).contains(promptId);
    assertThat(entry.at("/status/messages/0/0").asText()).isEqualTo("execution_start");
    assertThat(entry.at("/meta/9/node_id").asText()).isEqualTo("9");
    assertThat(client.get("/history").json().has(promptId)).isTrue();
  }

  static Stream<Arguments> invalidPrompts() {
    return Stream.of(
        Arguments.of(
            "no output node",
            (Consumer<ObjectNode>) p -> p.remove("9"),
            "prompt_no_outputs",
            null,
            null),
        Arguments.of(
            "unknown class",
            (Consumer<ObjectNode>)
                p -> ((ObjectNode) p.get("8")).put("class_type", "FancyUpscaler"),
            "missing_node_type",
            null,
            null),
        Arguments.of(
            "missing required input",
            (Consumer<ObjectNode>) p -> ((ObjectNode) p.at("/3/inputs")).remove("model"),
            "prompt_outputs_failed_validation",
            "3",
            "required_input_missing"),
        Arguments.of(
            "steps below min",
            (Consumer<ObjectNode>) p -> ((ObjectNode) p.at("/3/inputs")).put("steps", 0),
            "prompt_outputs_failed_validation",
            "3",
            "value_smaller_than_min"),
        Arguments.of(
            "cfg above max",
            (Consumer<ObjectNode>) p -> ((ObjectNode) p.at("/3/inputs")).put("cfg", 101.5),
            "prompt_outputs_failed_validation",
            "3",
            "value_bigger_than_max"),
        Arguments.of(
            "checkpoint not installed",
            (Consumer<ObjectNode>) p -> ((ObjectNode) p.at("/4/inputs")).put("ckpt_name", "x.ckpt"),
            "prompt_outputs_failed_validation",
            "4",
            "value_not_in_list"),
        Arguments.of(
            "link to a missing node",
            (Consumer<ObjectNode>) p -> ((ObjectNode) p.at("/8/inputs")).set("vae", array("42", 0)),
            "prompt_outputs_failed_validation",
            "8",
            "exception_during_inner_validation"),
        Arguments.of(
            "link of the wrong type",
            (Consumer<ObjectNode>) p -> ((ObjectNode) p.at("/8/inputs")).set("vae", array("4", 0)),
            "prompt_outputs_failed_validation",
            "8",
            "return_type_mismatch"),
        Arguments.of(
            "link that is not a pair",
            (Consumer<ObjectNode>)
                p -> ((ObjectNode) p.at("/8/inputs")).set("vae", array("4", 2, 1)),
            "prompt_outputs_failed_validation",
            "8",
            "bad_linked_input"),
        Arguments.of(
            "text where a number belongs",
            (Consumer<ObjectNode>) p -> ((ObjectNode) p.at("/3/inputs")).put("steps", "many"),
            "prompt_outputs_failed_validation",
            "3",
            "invalid_input_type"));
  }

  private static ArrayNode array(Object... items) {
    ArrayNode array = SimulatorClient.JSON.createArrayNode();
    for (Object item : items) {
      if (item instanceof Integer i) {
        array.add(i);
      } else {
        array.add(item.toString());
      }
    }
    return array;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidPrompts")
  void refusesInvalidPromptsWithComfyUiErrors(
      String name,
      Consumer<ObjectNode> breakIt,
      String errorType,
      String nodeId,
      String nodeErrorType) {
    ObjectNode prompt = txt2img();
    breakIt.accept(prompt);

    SimulatorClient.Answer answer = client.postPrompt(prompt, "c1");

    assertThat(answer.status()).isEqualTo(400);
    JsonNode body = answer.json();
    assertThat(body.at("/error/type").asText()).isEqualTo(errorType);
    assertThat(body.get("error").fieldNames())
        .toIterable()
        .containsExactly("type", "message", "details", "extra_info");
    if (nodeId == null) {
      assertThat(body.get("node_errors").size()).isZero();
    } else {
      JsonNode nodeError = body.get("node_errors").get(nodeId);
      assertThat(nodeError.at("/errors/0/type").asText()).isEqualTo(nodeErrorType);
      assertThat(nodeError.get("dependent_outputs").toString()).isEqualTo("[\"9\"]");
      assertThat(nodeError.get("class_type").asText())
          .isEqualTo(prompt.get(nodeId).get("class_type").asText());
    }
    assertThat(comfy.queueRemaining()).isZero();
  }

  @Test
  void reportsRangeErrorsInComfyUiWords() {
    ObjectNode prompt = txt2img();
    ((ObjectNode) prompt.at("/3/inputs")).put("steps", 0);
    ((ObjectNode) prompt.at("/3/inputs")).put("sampler_name", "foo");

    JsonNode errors = client.postPrompt(prompt, null).json().at("/node_errors/3/errors");

    assertThat(errors.get(0).get("message").asText()).isEqualTo("Value 0 smaller than min of 1");
    assertThat(errors.get(0).get("details").asText()).isEqualTo("steps");
    assertThat(errors.get(1).get("details").asText())
        .isEqualTo("sampler_name: 'foo' not in (list of length 37)");
  }

  @Test
  void acceptsSeedsBeyondTheRangeOfALong() {
    ObjectNode prompt = txt2img();
    ((ObjectNode) prompt.at("/3/inputs"))
        .put("seed", new java.math.BigInteger("18446744073709551615"));

    assertThat(client.postPrompt(prompt, null).status()).isEqualTo(200);

    ((ObjectNode) prompt.at("/3/inputs"))
        .put("seed", new java.math.BigInteger("18446744073709551616"));
    assertThat(client.postPrompt(prompt, null).json().at("/node_errors/3/errors/0/type").asText())
        .isEqualTo("value_bigger_than_max");
  }

  @Test
  void answersNoPromptAndBrokenBodiesLikeComfyUi() {
    assertThat(client.post("/prompt", "{}").json().at("/error/type").asText())
        .isEqualTo("no_prompt");
    assertThat(client.post("/prompt", "{not json").status()).isEqualTo(500);
  }

  @Test
  void viewServesThePngOfASavedImage() throws Exception {
    String promptId = client.postPrompt(txt2img(), null).json().get("prompt_id").asText();
    JsonNode image = client.awaitHistory(promptId).at("/outputs/9/images/0");

    SimulatorClient.Answer png =
        client.get(
            "/view?filename="
                + image.get("filename").asText()
                + "&subfolder=&type="
                + image.get("type").asText());

    assertThat(png.status()).isEqualTo(200);
    assertThat(png.contentType()).isEqualTo("image/png");
    assertThat(List.of(png.bytes()[1], png.bytes()[2], png.bytes()[3]))
        .containsExactly((byte) 'P', (byte) 'N', (byte) 'G');
    assertThat(client.get("/view?filename=nope.png&type=output").status()).isEqualTo(404);
    assertThat(client.get("/view?filename=../secret.png").status()).isEqualTo(400);
    assertThat(client.get("/view?filename=example.png&type=input").status()).isEqualTo(200);
  }

  @Test
  void savesIntoTheSubfolderOfTheFilenamePrefixAndOneImagePerBatchItem() throws Exception {
    ObjectNode prompt = txt2img();
    ((ObjectNode) prompt.at("/9/inputs")).put("filename_prefix", "shots/sh010");
    ((ObjectNode) prompt.at("/5/inputs")).put("batch_size", 3);

    String promptId = client.postPrompt(prompt, null).json().get("prompt_id").asText();
    JsonNode images = client.awaitHistory(promptId).at("/outputs/9/images");

    assertThat(images.size()).isEqualTo(3);
    assertThat(images.get(2).get("filename").asText()).isEqualTo("sh010_00003_.png");
    assertThat(images.get(0).get("subfolder").asText()).isEqualTo("shots");
  }

  @Test
  void queueShowsTheRunningAndPendingPromptsInComfyUiItemShape() throws Exception {
    comfy.pauseExecution();
    String first = client.postPrompt(txt2img(), "c1").json().get("prompt_id").asText();
    ObjectNode other = txt2img();
    ((ObjectNode) other.at("/3/inputs")).put("seed", 7);
    String second = client.postPrompt(other, "c1").json().get("prompt_id").asText();
    awaitRunning(first);

    JsonNode queue = client.get("/queue").json();

    assertThat(queue.at("/queue_running/0/1").asText()).isEqualTo(first);
    assertThat(queue.at("/queue_pending/0/1").asText()).isEqualTo(second);
    assertThat(queue.at("/queue_pending/0").size()).isEqualTo(5);
    assertThat(client.get("/prompt").json().at("/exec_info/queue_remaining").asInt()).isEqualTo(2);

    client.post("/queue", "{\"delete\": [\"" + second + "\"]}");
    assertThat(client.get("/queue").json().get("queue_pending").size()).isZero();
    comfy.resumeExecution();
    assertThat(client.awaitHistory(first).at("/status/status_str").asText()).isEqualTo("success");
  }

  private void awaitRunning(String promptId) throws InterruptedException {
    for (int i = 0; i < 2000; i++) {
      if (client.get("/queue").json().at("/queue_running/0/1").asText().equals(promptId)) {
        return;
      }
      Thread.sleep(5);
    }
    throw new AssertionError(promptId + " never started");
  }

  @Test
  void interruptStopsTheRunningPromptAndRecordsItInTheHistory() throws Exception {
    comfy.pauseExecution();
    String promptId = client.postPrompt(txt2img(), "c1").json().get("prompt_id").asText();
    awaitRunning(promptId);

    client.post("/interrupt", "{\"prompt_id\": \"some-other-prompt\"}");
    client.post("/interrupt", "{\"prompt_id\": \"" + promptId + "\"}");
    comfy.resumeExecution();

    JsonNode entry = client.awaitHistory(promptId);
    assertThat(entry.at("/status/status_str").asText()).isEqualTo("error");
    assertThat(entry.at("/status/completed").asBoolean()).isFalse();
    assertThat(entry.at("/status/messages").toString()).contains("execution_interrupted");
  }

  @Test
  void failsTheNextRequestsOnAPathWithTheGivenStatus() {
    comfy.failNextRequests("/system_stats", 2, 500);

    assertThat(client.get("/system_stats").status()).isEqualTo(500);
    assertThat(client.get("/api/system_stats").status()).isEqualTo(500);
    assertThat(client.get("/system_stats").status()).isEqualTo(200);
    assertThat(client.get("/queue").status()).isEqualTo(200);
    assertThat(comfy.requestCount("/system_stats")).isEqualTo(3);
  }

  @Test
  void failsAnyPathWhenNoPathIsGiven() {
    comfy.failNextRequests(1, 503);

    assertThat(client.get("/queue").status()).isEqualTo(503);
    assertThat(client.get("/queue").status()).isEqualTo(200);
  }

  @Test
  void answersMalformedJsonOnCommand() {
    comfy.answerMalformedJson("/queue", 1);

    SimulatorClient.Answer answer = client.get("/queue");

    assertThat(answer.status()).isEqualTo(200);
    assertThatThrownBy(answer::json).isInstanceOf(UncheckedIOException.class);
    assertThat(client.get("/queue").json().has("queue_running")).isTrue();
  }

  @Test
  void delaysTheNextRequestsAndThenAnswersNormally() {
    comfy.delayNextRequests("/models", 1, Duration.ofMillis(20));

    assertThat(client.get("/models").status()).isEqualTo(200);
    assertThat(client.get("/models").status()).isEqualTo(200);
    assertThat(comfy.requestCounts()).containsEntry("/models", 2L);
  }

  @Test
  void refusesConnectionsWhileDownAndAnswersAgainWhenBackUp() {
    comfy.goDown();

    assertThat(comfy.isUp()).isFalse();
    assertThatThrownBy(() -> client.get("/system_stats")).isInstanceOf(UncheckedIOException.class);

    comfy.comeBackUp();

    assertThat(comfy.isUp()).isTrue();
    assertThat(client.get("/system_stats").status()).isEqualTo(200);
  }

  @Test
  void aCrashLosesTheRunningPromptAndComesBackUpKnowingNothing() throws Exception {
    comfy.pauseExecution();
    String promptId = client.postPrompt(txt2img(), "c").json().path("prompt_id").asText();
    for (int i = 0; i < 500 && comfy.queueRemaining() == 0; i++) {
      Thread.sleep(10);
    }

    comfy.crash();

    assertThat(comfy.isUp()).isFalse();
    assertThatThrownBy(() -> client.get("/queue")).isInstanceOf(UncheckedIOException.class);
    comfy.comeBackUp();
    assertThat(client.get("/history/" + promptId).json().size()).isZero();
    JsonNode queue = client.get("/queue").json();
    assertThat(queue.path("queue_running")).isEmpty();
    assertThat(queue.path("queue_pending")).isEmpty();
    assertThat(comfy.queueRemaining()).isZero();
  }

  @Test
  void unknownRoutesAnswer404() {
    assertThat(client.get("/no/such/route").status()).isEqualTo(404);
  }
}
