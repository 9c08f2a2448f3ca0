package dev.comfyagent.runtime.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * The JSON-RPC requests read from the client that have not been answered yet.
 *
 * <p>Why: when stdin ends, the SDK's stdio transport stops writing at once, dropping the answers to
 * requests still running. A client that sends its requests and then closes its side (a script
 * piping a file into the server) would get nothing. {@link JsonRpcLineGuard} therefore holds the
 * end of input back until the requests it passed on are answered, or a bound passes.
 *
 * <p>Thread-safe.
 */
final class InFlightRequests {

  private final Set<JsonNode> pending = new HashSet<>();

  synchronized void requestRead(JsonNode id) {
    pending.add(id);
  }

  synchronized void responseWritten(JsonNode id) {
    if (pending.remove(id) && pending.isEmpty()) {
      notifyAll();
    }
  }

  synchronized int size() {
    return pending.size();
  }

  /**
   * Waits until every request read so far is answered, at most {@code max}.
   *
   * @return whether all were answered
   */
  synchronized boolean awaitAnswered(Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (!pending.isEmpty()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }
}
