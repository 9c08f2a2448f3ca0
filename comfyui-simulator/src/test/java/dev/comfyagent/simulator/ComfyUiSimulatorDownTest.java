package dev.comfyagent.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** A simulator that is down refuses connections from the moment {@code goDown()} returns. */
@DisabledOnOs(
    value = OS.WINDOWS,
    disabledReason =
        "Windows retries a refused connection for about 2 s; ComfyUiSimulatorHttpTest covers"
            + " refusal there")
class ComfyUiSimulatorDownTest {

  private ComfyUiSimulator comfy;
  private SimulatorClient client;

  @BeforeEach
  void start() {
    comfy = ComfyUiSimulator.builder().port(0).start();
    client = new SimulatorClient(comfy);
  }

  @AfterEach
  void stop() {
    comfy.close();
  }

  @Test
  void refusesTheFirstConnectionRightAfterEveryOutageBegins() {
    // With a blocking acceptor thread, the listening socket outlived the stop of Jetty's
    // connector until that thread left accept(), and a client could still connect.
    for (int outage = 0; outage < 100; outage++) {
      assertThat(client.get("/queue").status()).isEqualTo(200);
      comfy.goDown();

      assertThatThrownBy(() -> connect(comfy.port(), 1_000))
          .as("a connection attempt right after outage %d began", outage)
          .isInstanceOf(ConnectException.class);
      comfy.comeBackUp();
    }
  }

  private static void connect(int port, int timeoutMillis) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
    }
  }
}
