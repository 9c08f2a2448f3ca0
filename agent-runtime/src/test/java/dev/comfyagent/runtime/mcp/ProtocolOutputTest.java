package dev.comfyagent.runtime.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ProtocolOutputTest {

  @Test
  void neverInterleavesLinesOfConcurrentWriters() throws Exception {
    ByteArrayOutputStream target = new ByteArrayOutputStream();
    ProtocolOutput out = new ProtocolOutput(target);
    OutputStream sdk = out.forSdk();
    CountDownLatch go = new CountDownLatch(1);
    Thread sdkWriter =
        new Thread(
            () -> {
              try {
                go.await();
                for (int i = 0; i < 500; i++) {
                  // The SDK writes the message and its newline separately.
                  sdk.write(
                      ("{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"result\":{}}")
                          .getBytes(StandardCharsets.UTF_8));
                  sdk.write('\n');
                  sdk.flush();
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    Thread guardWriter =
        new Thread(
            () -> {
              try {
                go.await();
                for (int i = 0; i < 500; i++) {
                  out.writeLine("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700}}");
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    sdkWriter.start();
    guardWriter.start();
    go.countDown();
    sdkWriter.join();
    guardWriter.join();

    String[] lines = target.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(1000);
    assertThat(lines)
        .allMatch(l -> l.startsWith("{\"jsonrpc\":\"2.0\",\"id\":") && l.endsWith("}"));
  }

  @Test
  void writesAPartialLineWhenClosed() throws Exception {
    ByteArrayOutputStream target = new ByteArrayOutputStream();
    OutputStream sdk = new ProtocolOutput(target).forSdk();

    sdk.write("{\"partial\":true}".getBytes(StandardCharsets.UTF_8));
    assertThat(target.size()).isZero();
    sdk.close();

    assertThat(target.toString(StandardCharsets.UTF_8)).isEqualTo("{\"partial\":true}");
  }
}
