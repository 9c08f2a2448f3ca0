package dev.comfyagent.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged runtime jar under hostile and careless input, over stdio as an MCP client drives it:
 * raw JSON-RPC that breaks the protocol, numbers no float can hold, a server started in the file
 * system's root without a workflow folder, settings that cannot work.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class HostileInputIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String WORKFLOW =
      "{\"10\": {\"class_type\": \"KSampler\", \"inputs\": {\"seed\": 1, \"steps\": 20,"
          + " \"cfg\": 7.5, \"sampler_name\": \"euler\", \"scheduler\": \"normal\","
          + " \"denoise\": 1.0}}}";

  @TempDir Path dir;

  private Path jar;
  private int deadPort;

  @BeforeEach
  void setUp() throws IOException {
    jar = Path.of(System.getProperty("runtime.jar", "target/agent-runtime.jar")).toAbsolutePath();
    assertThat(jar).as("the packaged runtime jar").exists();
    try (ServerSocket socket = new ServerSocket(0)) {
      deadPort = socket.getLocalPort();
    }
  }

  /** A started runtime, spoken to line by line. */
  private final class Server implements AutoCloseable {
    private final Process process;
    private final OutputStream in;
    private final BufferedReader out;

    Server(Path workingDirectory, Map<String, String> env, String... flags) throws IOException {
      List<String> command = new ArrayList<>(List.of(java(), "-jar", jar.toString(), "serve"));
      command.addAll(List.of(flags));
      ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile());
      builder.environment().remove("WORKFLOWS_DIR");
      builder.environment().remove("COMFYUI_PATH");
      builder.environment().put("COMFYUI_PORT", String.valueOf(deadPort));
      builder.environment().put("LOG_DIR", dir.resolve("logs").toString());
      builder.environment().put("SESSIONS_DIR", dir.resolve("sessions").toString());
      builder.environment().putAll(env);
      builder.redirectError(dir.resolve("stderr.txt").toFile());
      process = builder.start();
      in = process.getOutputStream();
      out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      JsonNode init =
          send(
              "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{"
                  + "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                  + "\"clientInfo\":{\"name\":\"hostile\",\"version\":\"1\"}}}");
      assertThat(init.path("result").path("serverInfo").path("name").asText())
          .isEqualTo("comfy-agent");
      write("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    }

    void write(String line) throws IOException {
      in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      in.flush();
    }

    JsonNode send(String line) throws IOException {
      write(line);
      String answer = out.readLine();
      assertThat(answer).as("an answer to " + line).isNotNull();
      return JSON.readTree(answer);
    }

    JsonNode call(int id, String tool, String arguments) throws IOException {
      return send(
          "{\"jsonrpc\":\"2.0\",\"id\":"
              + id
              + ",\"method\":\"tools/call\",\"params\":{\"name\":\""
              + tool
              + "\",\"arguments\":"
              + arguments
              + "}}");
    }

    @Override
    public void close() throws Exception {
      in.close();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).isZero();
    }
  }

  private static String text(JsonNode answer) {
    return answer.path("result").path("content").get(0).path("text").asText();
  }

  @Test
  void answersBrokenJsonRpcWithPlainErrorsAndItsIds() throws Exception {
    try (Server server = new Server(dir, Map.of())) {
      JsonNode paramsArray =
          server.send(
              "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/call\",\"params\":[\"x\"]}");
      JsonNode argumentsString =
          server.send(
              "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":"
                  + "\"list_sessions\",\"arguments\":\"{}\"}}");
      JsonNode oldVersion = server.send("{\"jsonrpc\":\"1.0\",\"id\":8,\"method\":\"tools/list\"}");
      String padding = "x".repeat(17 * 1024 * 1024);
      JsonNode tooLong =
          server.send(
              "{\"jsonrpc\":\"2.0\",\"method\":\"tools/call\",\"params\":{\"name\":\"load_workflow\","
                  + "\"arguments\":{\"workflow\":\""
                  + padding
                  + "\"}},\"id\":\"late-id\"}");
      JsonNode stillServing = server.call(9, "list_sessions", "{}");

      assertThat(paramsArray.path("id").asInt()).isEqualTo(6);
      assertThat(paramsArray.path("error").path("code").asInt()).isEqualTo(-32602);
      assertThat(paramsArray.path("error").path("message").asText())
          .isEqualTo("Invalid params: the params of tools/call must be an object, got an array");
      assertThat(argumentsString.path("error").path("code").asInt()).isEqualTo(-32602);
      assertThat(argumentsString.path("error").path("message").asText())
          .isEqualTo(
              "Invalid params: 'arguments' of tools/call must be an object, got the string \"{}\"");
      assertThat(oldVersion.path("id").asInt()).isEqualTo(8);
      assertThat(oldVersion.path("error").path("code").asInt()).isEqualTo(-32600);
      assertThat(oldVersion.path("error").path("message").asText()).contains("\"2.0\"");
      assertThat(tooLong.path("id").asText()).isEqualTo("late-id");
      assertThat(tooLong.path("error").path("message").asText())
          .isEqualTo("Invalid Request: the message is longer than 16777215 bytes");
      assertThat(stillServing.path("result").path("isError").asBoolean()).isFalse();
    }
  }

  @Test
  void argumentErrorsAreOneShortLineAndAPatchStringIsAccepted() throws Exception {
    try (Server server = new Server(dir, Map.of())) {
      server.call(1, "load_workflow", "{\"workflow\": " + JSON.writeValueAsString(WORKFLOW) + "}");
      JsonNode wrongType = server.call(2, "apply_workflow_patch", "{\"patch\": 3}");
      JsonNode asString =
          server.call(
              3,
              "apply_workflow_patch",
              "{\"patch\": \"[{\\\"op\\\":\\\"replace\\\",\\\"path\\\":\\\"/10/inputs/steps\\\","
                  + "\\\"value\\\":30}]\"}");

      assertThat(text(wrongType))
          .isEqualTo(
              "invalid arguments for apply_workflow_patch: argument 'patch' must be an array or"
                  + " a string, got the number 3");
      assertThat(asString.path("result").path("isError").asBoolean()).isFalse();
      assertThat(text(asString)).contains("steps: 20 -> 30");
    }
  }

  @Test
  void refusesALiteralBeyondAFloatNamingNodeAndInputAndKeepsTheWorkflow() throws Exception {
    try (Server server = new Server(dir, Map.of())) {
      server.call(1, "load_workflow", "{\"workflow\": " + JSON.writeValueAsString(WORKFLOW) + "}");
      JsonNode refused =
          server.send(
              "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":"
                  + "\"apply_workflow_patch\",\"arguments\":{\"patch\":[{\"op\":\"replace\","
                  + "\"path\":\"/10/inputs/cfg\",\"value\":1e400}]}}}");
      JsonNode diff = server.call(3, "get_workflow_diff", "{}");
      JsonNode equal =
          server.send(
              "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":"
                  + "\"set_input\",\"arguments\":{\"node_id\":\"10\",\"input\":\"cfg\","
                  + "\"value\":7.50}}}");

      assertThat(refused.path("result").path("isError").asBoolean()).isTrue();
      assertThat(text(refused))
          .startsWith("patch op 0 (replace /10/inputs/cfg): node 10 (KSampler) input cfg: 1E+400")
          .contains("Nothing was changed")
          .doesNotContain("internal error");
      assertThat(text(diff)).isEqualTo("The current workflow is identical to the loaded one.");
      assertThat(text(equal)).startsWith("node 10 (KSampler) cfg is already 7.5; nothing");
    }
  }

  @Test
  void startedInTheFileSystemRootWithoutAWorkflowFolderItTouchesNoFile() throws Exception {
    Path fsRoot = dir.getRoot();
    Path outside = dir.resolve("anything.json");
    Path notAWorkflow = Files.writeString(dir.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\n");
    try (Server server = new Server(fsRoot, Map.of())) {
      server.call(1, "load_workflow", "{\"workflow\": " + JSON.writeValueAsString(WORKFLOW) + "}");
      JsonNode save = server.call(2, "save_workflow", "{\"path\": " + quoted(outside) + "}");
      JsonNode load = server.call(3, "load_workflow", "{\"path\": " + quoted(notAWorkflow) + "}");

      assertThat(save.path("result").path("isError").asBoolean()).isTrue();
      assertThat(text(save)).startsWith("file access is off: no workflow folder is configured");
      assertThat(outside).doesNotExist();
      assertThat(text(load)).startsWith("file access is off").doesNotContain("root:x");
    }
  }

  @Test
  void aFileInsideTheWorkflowFolderThatIsNotAWorkflowIsNotQuoted() throws Exception {
    Path workflows = Files.createDirectories(dir.resolve("workflows"));
    Files.writeString(workflows.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\n");
    try (Server server = new Server(dir, Map.of("WORKFLOWS_DIR", workflows.toString()))) {
      JsonNode load = server.call(1, "load_workflow", "{\"path\": \"passwd\"}");

      assertThat(text(load))
          .startsWith("malformed JSON in passwd at line 1, column 1: the file is not JSON")
          .doesNotContain("root");
    }
  }

  @Test
  void settingsThatCannotWorkStopTheStartWithExitCodeTwoAndOneLine() throws Exception {
    Path aFile = Files.writeString(dir.resolve("a-file"), "x");
    for (List<String> flags :
        List.of(
            List.of("--comfyui-host="),
            List.of("--sessions-dir", aFile.resolve("sessions").toString()),
            List.of("--workflows-dir", dir.getRoot().toString()))) {
      List<String> command = new ArrayList<>(List.of(java(), "-jar", jar.toString(), "serve"));
      command.addAll(flags);
      ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
      builder.environment().put("LOG_DIR", dir.resolve("logs").toString());
      builder.redirectInput(ProcessBuilder.Redirect.from(new File(nullDevice())));
      Process process = builder.start();
      String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

      assertThat(process.exitValue()).as(String.join(" ", flags)).isEqualTo(2);
      assertThat(stdout).as("stdout of " + flags).isEmpty();
      assertThat(stderr.strip().lines()).as("stderr of " + flags).hasSize(1);
      assertThat(stderr).startsWith("agent-runtime serve: ");
    }
  }

  private static String quoted(Path path) throws IOException {
    return JSON.writeValueAsString(path.toString());
  }

  private static String nullDevice() {
    return System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null";
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
