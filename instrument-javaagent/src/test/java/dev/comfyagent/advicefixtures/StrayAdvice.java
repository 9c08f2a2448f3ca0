package dev.comfyagent.advicefixtures;

import java.util.concurrent.atomic.AtomicLong;
import net.bytebuddy.asm.Advice;

/**
 * An advice class that no list names, for the test that advice classes are found from the code: the
 * scan must find it, and its reference to a class the host cannot resolve (this package) must be
 * reported.
 */
public final class StrayAdvice {

  /** A counter in a class a host cannot resolve. */
  public static final AtomicLong CALLS = new AtomicLong();

  private StrayAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static void enter() {
    CALLS.incrementAndGet();
  }

  /** Not advice: a plain class beside it, which the scan must leave out. */
  public static final class NotAdvice {
    private NotAdvice() {}

    static void run() {
      CALLS.incrementAndGet();
    }
  }
}
