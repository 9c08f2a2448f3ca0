package dev.comfyagent.simulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * The faults a test asked the simulator to show: HTTP answers replaced by an error status or by
 * malformed JSON, slow answers, a prompt failing at a node, a WebSocket cut mid-run or registered
 * late, and a paused worker. Each rule counts down and disappears when used up.
 *
 * <p>Thread-safe: every method synchronizes on the instance.
 */
final class Faults {

  /** What to do instead of (or before) answering a request. */
  enum Kind {
    STATUS,
    MALFORMED_JSON,
    DELAY
  }

  /** One armed HTTP fault. {@code path} is a prefix of the request path without {@code /api}. */
  record HttpFault(String path, Kind kind, int status, Duration delay) {}

  private static final class Rule {
    final HttpFault fault;
    int remaining;

    Rule(HttpFault fault, int remaining) {
      this.fault = fault;
      this.remaining = remaining;
    }
  }

  /** A prompt that is to fail when it reaches a node. */
  record NodeFailure(String node, String exceptionType, String message) {}

  private final List<Rule> httpRules = new ArrayList<>();
  private final List<NodeFailure> nodeFailures = new ArrayList<>();
  private Duration responseDelay = Duration.ZERO;
  private int socketDrops;
  private Duration socketRegistrationDelay = Duration.ZERO;
  private boolean paused;

  synchronized void add(HttpFault fault, int times) {
    if (times <= 0) {
      throw new IllegalArgumentException("times must be positive, got " + times);
    }
    httpRules.add(new Rule(fault, times));
  }

  /** The fault to apply to this request, if one is armed for its path; uses it up once. */
  synchronized Optional<HttpFault> take(String path) {
    for (Iterator<Rule> it = httpRules.iterator(); it.hasNext(); ) {
      Rule rule = it.next();
      if (path.startsWith(rule.fault.path())) {
        rule.remaining--;
        if (rule.remaining <= 0) {
          it.remove();
        }
        return Optional.of(rule.fault);
      }
    }
    return Optional.empty();
  }

  synchronized void responseDelay(Duration delay) {
    this.responseDelay = delay;
  }

  synchronized Duration responseDelay() {
    return responseDelay;
  }

  synchronized void failAtNode(NodeFailure failure) {
    nodeFailures.add(failure);
  }

  /** The failure armed for this node (matched by id or class type), used up once. */
  synchronized Optional<NodeFailure> takeNodeFailure(String nodeId, String classType) {
    for (Iterator<NodeFailure> it = nodeFailures.iterator(); it.hasNext(); ) {
      NodeFailure failure = it.next();
      if (failure.node().equals(nodeId) || failure.node().equals(classType)) {
        it.remove();
        return Optional.of(failure);
      }
    }
    return Optional.empty();
  }

  synchronized void dropSocketInNextRuns(int runs) {
    socketDrops += runs;
  }

  /** Whether the run starting now is to lose its WebSocket; uses the fault up once. */
  synchronized boolean takeSocketDrop() {
    if (socketDrops > 0) {
      socketDrops--;
      return true;
    }
    return false;
  }

  synchronized void socketRegistrationDelay(Duration delay) {
    socketRegistrationDelay = delay;
  }

  /** How long a new WebSocket waits, after its upgrade was answered, before it is registered. */
  synchronized Duration socketRegistrationDelay() {
    return socketRegistrationDelay;
  }

  synchronized void paused(boolean value) {
    paused = value;
    notifyAll();
  }

  /** Blocks while the worker is paused; returns at once otherwise. */
  synchronized void awaitNotPaused() throws InterruptedException {
    while (paused) {
      wait();
    }
  }

  synchronized void clear() {
    httpRules.clear();
    nodeFailures.clear();
    responseDelay = Duration.ZERO;
    socketDrops = 0;
    socketRegistrationDelay = Duration.ZERO;
    paused(false);
  }
}
