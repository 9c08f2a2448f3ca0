package dev.comfyagent.instrument.weave;

import java.util.concurrent.atomic.AtomicInteger;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Counts the tool-call paths woven: the methods matched by the matchers that time MCP {@code
 * tools/call}s. A server class of a known SDK can be woven while none of its methods has the shape
 * the agent expects (an SDK release that moved its handler): the class then counts as instrumented,
 * yet no call can ever be observed. {@link dev.comfyagent.instrument.record.AgentHealth} reads this
 * count to say so instead of looking healthy.
 *
 * <p>Thread-safe.
 */
public final class JoinPointFound {

  private static final AtomicInteger TOOL_CALL_PATHS = new AtomicInteger();
  // Per thread too, for the weave cache's training run: what one class's weaving matched.
  private static final ThreadLocal<int[]> ON_THIS_THREAD = new ThreadLocal<>();

  private JoinPointFound() {}

  /** {@code methods}, counting each method it matches as a tool-call path woven. */
  static ElementMatcher.Junction<MethodDescription> recording(
      ElementMatcher.Junction<MethodDescription> methods) {
    return new ElementMatcher.Junction.AbstractBase<>() {
      @Override
      public boolean matches(MethodDescription method) {
        boolean matched = methods.matches(method);
        if (matched) {
          TOOL_CALL_PATHS.incrementAndGet();
          counterOfThisThread()[0]++;
        }
        return matched;
      }

      @Override
      public String toString() {
        return "toolCallPath(" + methods + ")";
      }
    };
  }

  /** Tool-call path methods matched so far on this thread. */
  static int onThisThread() {
    return counterOfThisThread()[0];
  }

  private static int[] counterOfThisThread() {
    int[] counter = ON_THIS_THREAD.get();
    if (counter == null) {
      counter = new int[1];
      ON_THIS_THREAD.set(counter);
    }
    return counter;
  }

  /** Counts {@code paths} tool-call path methods woven from the weave cache (no matcher ran). */
  static void wovenFromCache(int paths) {
    if (paths > 0) {
      TOOL_CALL_PATHS.addAndGet(paths);
    }
  }

  /** Tool-call path methods matched in classes woven so far (one JVM, one agent). */
  public static int toolCallPaths() {
    return TOOL_CALL_PATHS.get();
  }
}
