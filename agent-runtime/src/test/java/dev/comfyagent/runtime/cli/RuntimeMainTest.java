package dev.comfyagent.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfyagent.runtime.comfy.ComfyUiSettings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class RuntimeMainTest {

  @TempDir Path cwd;

  private final Map<String, String> env = new HashMap<>();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final ByteArrayOutputStream protocol = new ByteArrayOutputStream();
  private String stdin = "";

  @Test
  void printsHelpOnStdout() {
    assertThat(run("--help")).isZero();

    assertThat(out()).contains("Usage: agent-runtime").contains("serve");
    assertThat(err()).isEmpty();
  }

  @Test
  void printsTheVersion() {
    assertThat(run("--version")).isZero();

    assertThat(out())
        .startsWith("comfy-agent runtime ")
        .doesNotContain("${")
        .doesNotContain("unknown");
  }

  @Test
  void listsEverySettingWithItsEnvironmentVariableInServeHelp() {
    assertThat(run("serve", "--help")).isZero();

    String help = out().replaceAll("\\s+", " ");
    for (Setting s : Setting.values()) {
      assertThat(help).contains(s.flag()).contains("env " + s.environmentVariable());
    }
  }

  @Test
  void asksForACommand() {
    assertThat(run()).isEqualTo(2);

    assertThat(err().strip())
        .isEqualTo(
            "agent-runtime: missing command: 'serve' starts the MCP server (see agent-runtime --help)");
  }

  @Test
  void rejectsAnUnknownOptionInOneLine() {
    assertThat(run("serve", "--comfyui-prot", "8188")).isEqualTo(2);

    assertThat(err().strip().lines()).hasSize(1);
    assertThat(err())
        .contains("Unknown options: '--comfyui-prot'")
        .contains("did you mean")
        .contains("--comfyui-port");
  }

  @Test
  void rejectsABadSettingInOneLineWithExitCodeTwo() {
    env.put("COMFYUI_PORT", "eighty");

    assertThat(run("serve")).isEqualTo(2);

    assertThat(err().strip())
        .isEqualTo(
            "agent-runtime serve: COMFYUI_PORT=eighty (environment): not a port number; use 1 to 65535");
    assertThat(protocol.size()).isZero();
  }

  @Test
  void rejectsALogDirectoryThatCannotBeCreated() throws IOException {
    Files.writeString(cwd.resolve("a-file"), "x");

    assertThat(run("serve", "--log-dir", cwd.resolve("a-file/logs").toString())).isEqualTo(2);

    assertThat(err()).startsWith("agent-runtime serve: LOG_DIR " + cwd.resolve("a-file/logs"));
  }

  @Test
  void refusesAnEmptyComfyUiHostInOneLineWithExitCodeTwo() {
    assertThat(run("serve", "--comfyui-host=")).isEqualTo(2);

    assertThat(err().strip())
        .isEqualTo(
            "agent-runtime serve: --comfyui-host is empty: give a value (ComfyUI host name or"
                + " address), or leave the flag out for the default 127.0.0.1");
    assertThat(protocol.size()).isZero();
  }

  @Test
  void refusesASessionsDirectoryThatCannotBeCreatedInOneLineWithExitCodeTwo() throws IOException {
    Files.writeString(cwd.resolve("a-file"), "x");
    Path impossible = cwd.resolve("a-file/sessions");

    assertThat(run("serve", "--sessions-dir", impossible.toString())).isEqualTo(2);

    assertThat(err().strip().lines()).hasSize(1);
    assertThat(err())
        .startsWith(
            "agent-runtime serve: SESSIONS_DIR "
                + impossible
                + ": cannot create or write the"
                + " directory (");
    assertThat(protocol.size()).isZero();
  }

  @Test
  @org.junit.jupiter.api.condition.EnabledOnOs(org.junit.jupiter.api.condition.OS.LINUX)
  void refusesASessionsDirectoryNoOneCanWriteEvenAsRoot() {
    env.put("SESSIONS_DIR", "/proc/self/sessions");

    assertThat(run("serve")).isEqualTo(2);

    assertThat(err().strip().lines()).hasSize(1);
    assertThat(err()).startsWith("agent-runtime serve: SESSIONS_DIR /proc/self/sessions: cannot");
  }

  @Test
  void createsAGivenSessionsDirectoryAtStart() throws IOException {
    Path sessions = cwd.resolve("new/sessions");

    assertThat(run("serve", "--sessions-dir", sessions.toString())).isZero();

    // The write probe is gone; the directory lock that runtimes sharing it take stays.
    assertThat(sessions).isDirectory();
    try (var files = Files.list(sessions)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .containsExactly(".comfy-agent-sessions.lock");
    }
  }

  @Test
  void startsAndSaysHowToFixItWhenTheDefaultSessionsDirectoryCannotBeCreated() throws IOException {
    Files.writeString(cwd.resolve("a-file"), "x");
    Path unusableCwd = cwd.resolve("a-file");

    int code =
        RuntimeMain.run(
            new String[] {"serve"},
            env,
            unusableCwd,
            new ByteArrayInputStream(new byte[0]),
            protocol,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            false,
            RuntimeMain::comfyUiClient);

    assertThat(code).isZero();
    assertThat(err())
        .contains(
            "agent-runtime serve: sessions cannot be saved in "
                + unusableCwd.resolve("sessions")
                + " (the default, inside the working directory, which is not writable); set"
                + " SESSIONS_DIR to a writable directory");
  }

  @Test
  void refusesTheFileSystemRootAsTheWorkflowFolderInOneLineWithExitCodeTwo() {
    String fsRoot = cwd.getRoot().toString();

    assertThat(run("serve", "--workflows-dir", fsRoot)).isEqualTo(2);

    assertThat(err().strip().lines()).hasSize(1);
    assertThat(err())
        .startsWith(
            "agent-runtime serve: --workflows-dir "
                + fsRoot
                + ": "
                + fsRoot
                + " is the root of a file system");
    assertThat(protocol.size()).isZero();
  }

  @Test
  void refusesTheHomeDirectoryAsTheWorkflowFolderInOneLineWithExitCodeTwo() {
    java.util.Optional<Path> home = RuntimeSettings.homeDirectory(System.getProperty("user.home"));
    org.junit.jupiter.api.Assumptions.assumeTrue(home.isPresent(), "no usable home directory");
    env.put("WORKFLOWS_DIR", home.get().toString());

    assertThat(run("serve")).isEqualTo(2);

    assertThat(err().strip().lines()).hasSize(1);
    assertThat(err()).contains(home.get() + " is your home directory; name a folder inside it");
  }

  @Test
  void servesMcpOnTheGivenStreamsUntilStdinEnds() throws IOException {
    stdin =
        String.join(
            "\r\n",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}",
            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"list_models\","
                + "\"arguments\":{}}}",
            "");
    env.put("COMFYUI_PORT", "8999");

    assertThat(run("serve", "--sessions-dir", cwd.resolve("s").toString())).isZero();

    List<JsonNode> answers = protocolLines();
    assertThat(answers).extracting(a -> a.path("id").asInt()).containsExactlyInAnyOrder(1, 2, 3);
    JsonNode tools = byId(answers, 2).path("result").path("tools");
    assertThat(tools).hasSizeGreaterThanOrEqualTo(8);
    JsonNode listModels = byId(answers, 3).path("result");
    assertThat(listModels.path("isError").asBoolean()).isTrue();
    assertThat(listModels.path("content").get(0).path("text").asText()).contains("127.0.0.1:8999");
  }

  @Test
  void writesLogsToATemporaryDirectoryWhenTheDefaultOneCannotBeCreated() throws IOException {
    Files.writeString(cwd.resolve("a-file"), "x");
    Path unusableCwd = cwd.resolve("a-file");

    int code =
        RuntimeMain.run(
            new String[] {"serve"},
            env,
            unusableCwd,
            new ByteArrayInputStream(new byte[0]),
            protocol,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            false,
            RuntimeMain::comfyUiClient);

    assertThat(code).isZero();
    assertThat(err())
        .contains("cannot write logs to " + unusableCwd.resolve("logs"))
        .contains("comfy-agent");
  }

  @Test
  void serveTalksToTheConfiguredComfyUiOverHttp() throws Exception {
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    var client =
        RuntimeMain.comfyUiClient(ComfyUiSettings.defaults().withAddress("127.0.0.1", closedPort));

    assertThat(client).isInstanceOf(dev.comfyagent.runtime.comfy.HttpComfyUiClient.class);
    assertThat(client.endpoint()).isEqualTo("127.0.0.1:" + closedPort);
    assertThat(client.isReachable()).isFalse();
  }

  private int run(String... args) {
    return RuntimeMain.run(
        args,
        env,
        cwd,
        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        protocol,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        false,
        RuntimeMain::comfyUiClient);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private List<JsonNode> protocolLines() throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : protocol.toString(StandardCharsets.UTF_8).split("\n")) {
      lines.add(json.readTree(line));
    }
    return lines;
  }

  private static JsonNode byId(List<JsonNode> answers, int id) {
    return answers.stream().filter(a -> a.path("id").asInt() == id).findFirst().orElseThrow();
  }
}
