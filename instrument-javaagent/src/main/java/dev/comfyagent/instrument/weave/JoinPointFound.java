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
        }
        return matched;
      }

      @Override
      public String toString() {
        return "toolCallPath(" + methods + ")";
      }
    };
  }

  /** Tool-call path methods matched in classes woven so far (one JVM, one agent). */
  public static int toolCallPaths() {
    return TOOL_CALL_PATHS.get();
  }
}
