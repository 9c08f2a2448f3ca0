package dev.comfyagent.runtime.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class JsonRpcLineGuardTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ByteArrayOutputStream written = new ByteArrayOutputStream();
  private final ProtocolOutput out = new ProtocolOutput(written);
  private final AtomicInteger ended = new AtomicInteger();

  @Test
  void passesWellFormedMessagesThroughAndDropsTheCarriageReturnOfCrlf() throws IOException {
    String passed =
        read(
            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\r\n"
                + "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}\r\n");

    assertThat(passed)
        .isEqualTo(
            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"
                + "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}\n");
    assertThat(written.size()).isZero();
  }

  @Test
  void skipsBlankLines() throws IOException {
    assertThat(read("\n\r\n   \n{\"jsonrpc\":\"2.0\",\"method\":\"x\"}\n\n"))
        .isEqualTo("{\"jsonrpc\":\"2.0\",\"method\":\"x\"}\n");
  }

  @Test
  void answersALineThatIsNotJsonWithAParseErrorAndReadsOn() throws IOException {
    String passed = read("not json at all\n{\"jsonrpc\":\"2.0\",\"method\":\"x\"}\n");

    assertThat(passed).isEqualTo("{\"jsonrpc\":\"2.0\",\"method\":\"x\"}\n");
    JsonNode error = answers().get(0);
    assertThat(error.path("id").isNull()).isTrue();
    assertThat(error.path("error").path("code").asInt()).isEqualTo(-32700);
    assertThat(error.path("error").path("message").asText()).startsWith("Parse error:");
  }

  @Test
  void answersABatchAsAnInvalidRequest() throws IOException {
    read("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]\n");

    assertThat(answers().get(0).path("error").path("message").asText())
        .contains("batches are not supported");
  }

  @Test
  void answersAnObjectThatIsNotJsonRpcWithItsId() throws IOException {
    read("{\"id\": 5, \"hello\": \"world\"}\n");

    JsonNode error = answers().get(0);
    assertThat(error.path("id").asInt()).isEqualTo(5);
    assertThat(error.path("error").path("code").asInt()).isEqualTo(-32600);
  }

  @Test
  void passesALastLineWithoutNewline() throws IOException {
    assertThat(read("{\"jsonrpc\":\"2.0\",\"method\":\"x\"}"))
        .isEqualTo("{\"jsonrpc\":\"2.0\",\"method\":\"x\"}\n");
  }

  @Test
  void runsTheEndActionOnceAtTheEndOfInput() throws IOException {
    InputStream guard = guard("{\"jsonrpc\":\"2.0\",\"method\":\"x\"}\n");
    guard.readAllBytes();

    assertThat(guard.read()).isEqualTo(-1);
    assertThat(ended).hasValue(1);
  }

  @Test
  void holdsTheEndBackUntilRunningRequestsAreAnswered() throws Exception {
    InputStream guard = guard("{\"jsonrpc\":\"2.0\",\"id\":\"r1\",\"method\":\"tools/call\"}\n");
    byte[] line = new byte[200];
    int n = guard.read(line);
    assertThat(new String(line, 0, n, StandardCharsets.UTF_8)).contains("tools/call");

    CompletableFuture<Integer> end = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try {
                end.complete(guard.read());
              } catch (Throwable e) {
                end.completeExceptionally(e);
              }
            });
    reader.start();

    // No sleep decides the order: wait until the reader either has the end of input (the guard
    // did not hold it back) or is waiting inside the guard for the request's answer.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!end.isDone() && !waitsForAnswers(reader) && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    assertThat(end).as("the end of input while r1 is unanswered").isNotDone();
    assertThat(ended).hasValue(0);

    out.forSdk()
        .write(
            "{\"jsonrpc\":\"2.0\",\"id\":\"r1\",\"result\":{}}\n".getBytes(StandardCharsets.UTF_8));

    assertThat(end.get(30, TimeUnit.SECONDS)).isEqualTo(-1);
    assertThat(ended).hasValue(1);
    assertThat(answers()).hasSize(1);
    reader.join();
  }

  private static boolean waitsForAnswers(Thread reader) {
    for (StackTraceElement frame : reader.getStackTrace()) {
      if (frame.getClassName().equals(InFlightRequests.class.getName())
          && frame.getMethodName().equals("awaitAnswered")) {
        return true;
      }
    }
    return false;
  }

  @Test
  void givesUpOnUnansweredRequestsAfterTheGrace() throws IOException {
    String passed = read("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}\n");

    assertThat(passed).contains("ping");
    assertThat(ended).hasValue(1);
  }

  @Test
  void refusesAMessageThatIsNotJsonRpcTwoPointZeroWithItsId() throws IOException {
    String passed =
        read(
            "{\"jsonrpc\":\"1.0\",\"id\":8,\"method\":\"tools/list\"}\n"
                + "{\"id\":9,\"method\":\"tools/list\"}\n");

    assertThat(passed).isEmpty();
    assertThat(answers())
        .extracting(a -> a.path("id").asInt() + " " + a.path("error").path("code").asInt())
        .containsExactly("8 -32600", "9 -32600");
    assertThat(answers().get(0).path("error").path("message").asText())
        .isEqualTo("Invalid Request: \"jsonrpc\" must be \"2.0\", got the string \"1.0\"");
    assertThat(answers().get(1).path("error").path("message").asText())
        .isEqualTo("Invalid Request: \"jsonrpc\" must be \"2.0\", got nothing");
  }

  @Test
  void answersParamsThatAreNotAnObjectWithInvalidParamsInPlainWords() throws IOException {
    String passed =
        read(
            "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/call\",\"params\":[\"x\"]}\n"
                + "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\",\"params\":3}\n");

    assertThat(passed).isEmpty();
    assertThat(answers())
        .extracting(a -> a.path("error").path("message").asText())
        .containsExactly(
            "Invalid params: the params of tools/call must be an object, got an array",
            "Invalid params: the params of ping must be an object, got the number 3");
    assertThat(answers())
        .allSatisfy(a -> assertThat(a.path("error").path("code").asInt()).isEqualTo(-32602));
  }

  @Test
  void answersToolArgumentsSentAsAStringWithInvalidParamsNamingTheField() throws IOException {
    read(
        "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"tools/call\",\"params\":{\"name\":"
            + "\"list_sessions\",\"arguments\":\"{}\"}}\n"
            + "{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":[1],\"capabilities\":{}}}\n");

    assertThat(answers())
        .extracting(a -> a.path("id").asText() + ": " + a.path("error").path("message").asText())
        .containsExactly(
            "a: Invalid params: 'arguments' of tools/call must be an object, got the string \"{}\"",
            "b: Invalid params: 'protocolVersion' of initialize must be a string, got an array");
    assertThat(written.toString(StandardCharsets.UTF_8))
        .doesNotContain("Cannot deserialize")
        .doesNotContain("McpSchema");
  }

  @Test
  void passesWellFormedParamsOfEveryCheckedMethod() throws IOException {
    String lines =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
            + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}\n"
            + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\",\"params\":{}}\n"
            + "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"x\","
            + "\"arguments\":{\"a\":[1,{\"b\":2}]},\"_meta\":{\"progressToken\":4}}}\n"
            + "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"logging/setLevel\",\"params\":{\"level\":"
            + "\"debug\"}}\n";

    assertThat(read(lines)).isEqualTo(lines);
    assertThat(written.size()).isZero();
  }

  @Test
  void answersAnOverLongLineWithItsIdWhereverTheIdIs() throws IOException {
    String padding = "x".repeat(500);
    String idLast =
        "{\"jsonrpc\":\"2.0\",\"method\":\"tools/call\",\"params\":{\"name\":\"a\",\"arguments\":"
            + "{\"id\":\"not-this\",\"w\":\""
            + padding
            + "\\\"}\"}},\"id\":\"late-id\"}\n";
    String idFirst =
        "{\"id\":42,\"jsonrpc\":\"2.0\",\"method\":\"x\",\"params\":{\"w\":\"" + padding + "\"}}\n";
    String noId = "{\"jsonrpc\":\"2.0\",\"method\":\"x\",\"params\":{\"w\":\"" + padding + "\"}}\n";
    String ok = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n";

    InputStream guard =
        new JsonRpcLineGuard(
            new ByteArrayInputStream(
                (idLast + idFirst + noId + ok).getBytes(StandardCharsets.UTF_8)),
            out,
            JSON,
            new JacksonMcpJsonMapper(JSON),
            ended::incrementAndGet,
            Duration.ofMillis(50),
            200);
    String passed = new String(guard.readAllBytes(), StandardCharsets.UTF_8);

    assertThat(passed).isEqualTo(ok);
    assertThat(answers())
        .extracting(a -> a.path("id").toString())
        .containsExactly("\"late-id\"", "42", "null");
    assertThat(answers())
        .allSatisfy(
            a ->
                assertThat(a.path("error").path("message").asText())
                    .isEqualTo("Invalid Request: the message is longer than 200 bytes"));
  }

  private String read(String input) throws IOException {
    return new String(guard(input, Duration.ofMillis(50)).readAllBytes(), StandardCharsets.UTF_8);
  }

  private InputStream guard(String input) {
    return guard(input, Duration.ofSeconds(30));
  }

  private InputStream guard(String input, Duration grace) {
    return new JsonRpcLineGuard(
        new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
        out,
        JSON,
        new JacksonMcpJsonMapper(JSON),
        ended::incrementAndGet,
        grace);
  }

  private List<JsonNode> answers() throws IOException {
    List<JsonNode> lines = new java.util.ArrayList<>();
    for (String line : written.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!line.isEmpty()) {
        lines.add(JSON.readTree(line));
      }
    }
    return lines;
  }
}
