package dev.comfyagent.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfyagent.it.fixture.MiniMcpServer;
import dev.comfyagent.it.fixture.PlainMain;
import dev.comfyagent.it.harness.ChildJvm;
import dev.comfyagent.it.harness.PackagedJars;
import dev.comfyagent.it.harness.StdioMcpClient;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packaged agent in JVMs that are not agent-runtime (issue: any JVM under {@code
 * JAVA_TOOL_OPTIONS}): where no MCP server loads it prints nothing and creates no file; on a
 * third-party MCP server it observes, but does not talk to ComfyUI or touch a result unless asked.
 */
class OtherJvmsLeftAloneIT {

  @Test
  void aJvmThatIsNoMcpServerSeesNothingOfTheAgent() throws IOException {
    Path dir = PackagedJars.workDir("plain");
    try (ChildJvm plain =
        ChildJvm.java()
            .agent(null)
            .classPath(PackagedJars.testClassPath())
            .main(PlainMain.class.getName())
            .args("hello")
            .workDir(dir)
            .start()) {
      assertThat(plain.waitFor(Duration.ofSeconds(60))).isZero();
      assertThat(plain.stdout()).isEqualTo("plain hello" + System.lineSeparator());
      assertThat(plain.stderr()).isEmpty();
    }
    assertThat(filesIn(dir)).containsExactlyInAnyOrder("stdout.txt", "stderr.txt");
  }

  @Test
  void javaVersionPrintsExactlyWhatItPrintsWithoutTheAgent() {
    Path with = PackagedJars.workDir("version-agent");
    Path without = PackagedJars.workDir("version-plain");
    String withAgent;
    String plain;
    try (ChildJvm jvm = ChildJvm.java().agent(null).jvmArg("-version").workDir(with).start()) {
      assertThat(jvm.waitFor(Duration.ofSeconds(60))).isZero();
      withAgent = jvm.stderr();
    }
    try (ChildJvm jvm = ChildJvm.java().jvmArg("-version").workDir(without).start()) {
      assertThat(jvm.waitFor(Duration.ofSeconds(60))).isZero();
      plain = jvm.stderr();
    }
    assertThat(withAgent).isEqualTo(plain);
    assertThat(filesIn(with)).containsExactlyInAnyOrder("stdout.txt", "stderr.txt");
  }

  @Test
  void aThirdPartyServersExecuteWorkflowIsNeitherRewrittenNorSampledByDefault() throws IOException {
    try (FakeComfyUi comfy = new FakeComfyUi()) {
      Path dir = PackagedJars.workDir("lookalike");
      String text = renderOn(dir, "output.dir=" + dir.resolve("logs"), comfy);
      assertThat(text).isEqualTo("Rendered in 1.2s");
      assertThat(comfy.connections()).as("requests to ComfyUI's port").isZero();
      assertThat(Files.readString(dir.resolve("stderr.txt"))).doesNotContain("comfy-agent");
      assertThat(Files.readString(dir.resolve("logs/metrics.jsonl")))
          .contains("\"gpu\":{\"mode\":\"auto\",\"source\":\"off\"}");
    }
  }

  @Test
  void gpuOnTurnsSamplingAndTheSuffixOnForAnyServer() throws IOException {
    try (FakeComfyUi comfy = new FakeComfyUi()) {
      Path dir = PackagedJars.workDir("lookalike-on");
      String text =
          renderOn(dir, "output.dir=" + dir.resolve("logs") + ",gpu=on,gpu.timeout=500ms", comfy);
      assertThat(text).startsWith("Rendered in 1.2s (");
      assertThat(comfy.connections()).isPositive();
    }
  }

  private static String renderOn(Path dir, String options, FakeComfyUi comfy) {
    ChildJvm server =
        ChildJvm.java()
            .agent(options)
            .classPath(PackagedJars.testClassPath())
            .main(MiniMcpServer.class.getName())
            .args("sync")
            .workDir(dir)
            .env("COMFYUI_HOST", "127.0.0.1")
            .env("COMFYUI_PORT", Integer.toString(comfy.port()))
            .env("PATH", "/nonexistent")
            .stdoutPipe()
            .start();
    try (StdioMcpClient mcp = StdioMcpClient.connect(server)) {
      String text =
          ((TextContent) mcp.call("execute_workflow", Map.of(), Map.of()).content().get(0)).text();
      mcp.stopServer();
      return text;
    }
  }

  private static List<String> filesIn(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(file -> file.getFileName().toString()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A port where ComfyUI would be: counts the connections made to it, answers nothing. */
  private static final class FakeComfyUi implements AutoCloseable {
    private final ServerSocket socket;
    private final AtomicInteger connections = new AtomicInteger();

    FakeComfyUi() throws IOException {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread accept =
          new Thread(
              () -> {
                while (!socket.isClosed()) {
                  try (Socket client = socket.accept()) {
                    connections.incrementAndGet();
                  } catch (IOException e) {
                    return;
                  }
                }
              });
      accept.setDaemon(true);
      accept.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    int connections() {
      return connections.get();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
