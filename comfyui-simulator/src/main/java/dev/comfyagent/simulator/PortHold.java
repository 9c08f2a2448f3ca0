package dev.comfyagent.simulator;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * Keeps the TCP port of a simulator that is down bound to this process, so that no other process
 * can listen on it, while a client connecting to it is still refused at once: a socket that is
 * bound but neither listening nor connected owns the port, and the kernel answers a connection
 * attempt to a port without a listener with a reset, as for a port nobody uses.
 *
 * <p>Without it, a port the system chose for the simulator ({@code port(0)}) becomes free when the
 * simulator goes down, and the system may hand it to the next server of any process that asks for a
 * port of its own; a client of the simulator then connects to that server and waits for an answer
 * that never comes where it expected "connection refused".
 *
 * <p>The hold is bound <em>beside</em> the still-listening socket and only then is the listener
 * closed, so that the port is never free in between; coming back up binds the new listener beside
 * the hold before the hold is let go. Two sockets may share a port only with {@code SO_REUSEPORT}
 * on both (Linux: and the same user), so the listener must be opened with it. Linux never hands a
 * port it picks for a bind to port 0 to a socket that would join such a group, and a listener
 * without {@code SO_REUSEPORT} (Java's and Jetty's default) cannot bind the port while it is held.
 * The hold itself has no {@code SO_REUSEADDR}: with it, a listener with {@code SO_REUSEADDR}
 * (Java's default on Linux) could still bind and listen beside the hold.
 *
 * <p>Not thread-safe; the simulator takes and lets go of holds under its availability lock.
 */
final class PortHold implements AutoCloseable {

  /**
   * Whether ports can be held without a gap: where Java supports {@code SO_REUSEPORT} (Linux,
   * macOS), not on Windows.
   */
  static final boolean SUPPORTED = reusePortSupported();

  private final SocketChannel socket;

  private PortHold(SocketChannel socket) {
    this.socket = socket;
  }

  /**
   * Binds a hold to {@code address}, on which a listener opened with {@code SO_REUSEPORT} may still
   * be listening.
   *
   * @throws IOException when the port cannot be bound (a socket without {@code SO_REUSEPORT}, or
   *     one of another user, has it)
   * @throws UnsupportedOperationException where {@link #SUPPORTED} is false
   */
  static PortHold bindBeside(InetSocketAddress address) throws IOException {
    SocketChannel socket = SocketChannel.open();
    try {
      socket.setOption(StandardSocketOptions.SO_REUSEADDR, false);
      socket.setOption(StandardSocketOptions.SO_REUSEPORT, true);
      socket.bind(address);
      return new PortHold(socket);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /** Lets the port go. Idempotent. */
  @Override
  public void close() throws IOException {
    socket.close();
  }

  private static boolean reusePortSupported() {
    try (SocketChannel client = SocketChannel.open();
        ServerSocketChannel server = ServerSocketChannel.open()) {
      return client.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)
          && server.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
    } catch (IOException e) {
      return false;
    }
  }
}
