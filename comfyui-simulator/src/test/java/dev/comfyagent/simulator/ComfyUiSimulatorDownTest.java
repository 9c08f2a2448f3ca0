package dev.comfyagent.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A simulator that is down refuses connections from the moment {@code goDown()} returns, and keeps
 * a port it picked itself, so that no other process (another build's server given a port of the
 * system's choosing, say) can start listening there and leave a client waiting for an answer where
 * it should have been refused.
 */
@DisabledOnOs(
    value = OS.WINDOWS,
    disabledReason =
        "Windows retries a refused connection for about 2 s and has no SO_REUSEPORT;"
            + " ComfyUiSimulatorHttpTest covers refusal there")
class ComfyUiSimulatorDownTest {

  private ComfyUiSimulator comfy;
  private SimulatorClient client;

  @BeforeEach
  void start() {
    comfy = ComfyUiSimulator.builder().port(0).start();
    client = new SimulatorClient(comfy);
    // A served request leaves connections the simulator closes itself (TIME_WAIT on its port),
    // the state in which the port must still be held.
    assertThat(client.get("/system_stats").status()).isEqualTo(200);
  }

  @AfterEach
  void stop() {
    comfy.close();
  }

  @Test
  void whileDownAConnectIsRefusedAtOnce() {
    assumePortHeld();
    comfy.goDown();

    assertThatThrownBy(() -> connect(comfy.port(), 1_000)).isInstanceOf(ConnectException.class);
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

  @ParameterizedTest(name = "SO_REUSEADDR {0}")
  @ValueSource(booleans = {true, false})
  void whileDownNoOtherServerCanListenOnThePort(boolean reuseAddress) {
    assumePortHeld();
    comfy.goDown();

    assertThatThrownBy(() -> listenOn(comfy.port(), reuseAddress))
        .isInstanceOf(BindException.class);
    assertThatThrownBy(() -> connect(comfy.port(), 1_000)).isInstanceOf(ConnectException.class);
  }

  @Test
  void aSecondSimulatorCannotStartOnThePortWhileItIsDown() {
    assumePortHeld();
    comfy.goDown();

    assertThatThrownBy(() -> ComfyUiSimulator.start(comfy.port()).close())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot start the ComfyUI simulator on 127.0.0.1:" + comfy.port());
  }

  @Test
  void aSecondSimulatorCannotStartOnThePortWhileItIsUp() {
    assertThatThrownBy(() -> ComfyUiSimulator.start(comfy.port()).close())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot start the ComfyUI simulator on 127.0.0.1:" + comfy.port());
    assertThat(client.get("/system_stats").status()).isEqualTo(200);
  }

  @Test
  void comesBackUpOnTheHeldPortAndServesAgainAfterEachOutage() {
    assumePortHeld();
    int port = comfy.port();

    for (int outage = 0; outage < 3; outage++) {
      comfy.goDown();
      assertThatThrownBy(() -> listenOn(port, true)).isInstanceOf(BindException.class);
      comfy.comeBackUp();

      assertThat(comfy.port()).isEqualTo(port);
      assertThat(client.get("/system_stats").status()).isEqualTo(200);
    }
  }

  @Test
  void aCrashHoldsThePortLikeAnOutage() {
    assumePortHeld();
    comfy.crash();

    assertThatThrownBy(() -> listenOn(comfy.port(), true)).isInstanceOf(BindException.class);
    assertThatThrownBy(() -> connect(comfy.port(), 1_000)).isInstanceOf(ConnectException.class);
    comfy.comeBackUp();
    assertThat(client.get("/queue").status()).isEqualTo(200);
  }

  @Test
  void closingWhileDownLetsThePortGo() throws IOException {
    assumePortHeld();
    comfy.goDown();
    comfy.close();

    try (ServerSocket next = listenOn(comfy.port(), true)) {
      assertThat(next.getLocalPort()).isEqualTo(comfy.port());
    }
  }

  @Test
  void aPortChosenByTheCallerIsNotHeldWhileDown() throws IOException {
    int free;
    try (ServerSocket probe = listenOn(0, true)) {
      free = probe.getLocalPort();
    }
    try (ComfyUiSimulator fixed = ComfyUiSimulator.start(free)) {
      assertThat(fixed.holdsPortWhileDown()).isFalse();
      fixed.goDown();

      assertThatThrownBy(() -> connect(free, 1_000)).isInstanceOf(ConnectException.class);
      fixed.comeBackUp();
      assertThat(new SimulatorClient(fixed).get("/system_stats").status()).isEqualTo(200);
    }
  }

  private void assumePortHeld() {
    assumeTrue(comfy.holdsPortWhileDown(), "the platform has SO_REUSEPORT, so the port is held");
  }

  private static void connect(int port, int timeoutMillis) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
    }
  }

  /** A listener as another process would open one: Java's defaults, only SO_REUSEADDR chosen. */
  private static ServerSocket listenOn(int port, boolean reuseAddress) throws IOException {
    ServerSocket server = new ServerSocket();
    try {
      server.setReuseAddress(reuseAddress);
      server.bind(new InetSocketAddress("127.0.0.1", port), 50);
      return server;
    } catch (IOException e) {
      server.close();
      throw e;
    }
  }
}
