package dev.comfyagent.instrument.emit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProcessIdentityTest {

  @TempDir Path dir;

  @Test
  void theInstanceIdIsHostPidAndStartTimeToTheMillisecond() {
    ProcessIdentity id =
        ProcessIdentity.of("agent-runtime", "0.1.0", "render-07", 1, 1_764_065_730_123L);
    assertThat(id.instanceId()).isEqualTo("render-07-1-20251125T101530123Z");
    assertThat(id.serviceName()).isEqualTo("agent-runtime");
    assertThat(id.agentVersion()).isEqualTo("0.1.0");
    assertThat(id.pid()).isEqualTo(1);
  }

  @Test
  void containersWithPidOneDifferByHostAndRestartsByStartTime() {
    ProcessIdentity a = ProcessIdentity.of("s", "v", "3f2a9c1d0b7e", 1, 1_000);
    ProcessIdentity b = ProcessIdentity.of("s", "v", "91bb04aa53c2", 1, 1_000);
    ProcessIdentity again = ProcessIdentity.of("s", "v", "3f2a9c1d0b7e", 1, 1_001);
    assertThat(a.instanceId()).isNotEqualTo(b.instanceId()).isNotEqualTo(again.instanceId());
    assertThat(a.fileSuffix()).isNotEqualTo(b.fileSuffix()).isNotEqualTo(again.fileSuffix());
  }

  @Test
  void theFileSuffixKeepsOnlyCharactersSafeInAFileName() {
    ProcessIdentity id = ProcessIdentity.of("s", "v", "my host/../x:y", 42, 0);
    assertThat(id.fileSuffix()).isEqualTo("my_host_.._x_y-42-19700101T000000000Z");
  }

  @ParameterizedTest
  @CsvSource({
    "'/opt/app/agent-runtime-0.1.0-SNAPSHOT.jar serve', agent-runtime",
    "'C:\\apps\\acme-mcp-2.3.jar --stdio', acme-mcp",
    "'server.jar', server",
    "'com.acme.mcp.ServerMain --port 3', ServerMain",
    "'Main', Main",
    "'', unknown_service:java"
  })
  void theServiceNameComesFromTheMainJarOrClass(String command, String expected) {
    assertThat(ProcessIdentity.serviceNameOf(command)).isEqualTo(expected);
  }

  @Test
  void anExplicitServiceNameWins() {
    assertThat(ProcessIdentity.of("studio-a", "0.1.0", Map.of()).serviceName())
        .isEqualTo("studio-a");
    assertThat(ProcessIdentity.of(null, "0.1.0", Map.of()).serviceName()).isNotBlank();
  }

  @Test
  void theHostNameIsReadWithoutANetworkLookup() throws Exception {
    Path kernel = dir.resolve("hostname");
    Files.writeString(kernel, "container-7f3a\n");
    assertThat(ProcessIdentity.hostName(kernel, Map.of("HOSTNAME", "shell")))
        .isEqualTo("container-7f3a");
    Path missing = dir.resolve("none");
    assertThat(ProcessIdentity.hostName(missing, Map.of("HOSTNAME", "shell"))).isEqualTo("shell");
    assertThat(ProcessIdentity.hostName(missing, Map.of("COMPUTERNAME", "WIN-1")))
        .isEqualTo("WIN-1");
    assertThat(ProcessIdentity.hostName(missing, Map.of())).isEqualTo("localhost");
  }
}
