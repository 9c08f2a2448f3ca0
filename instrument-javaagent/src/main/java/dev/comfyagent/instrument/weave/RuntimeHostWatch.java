package dev.comfyagent.instrument.weave;

import dev.comfyagent.instrument.host.RuntimeContract;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;

/**
 * Recognises agent-runtime as the host from what the JVM actually loads: its main class or its
 * {@code Tool} interface, whatever the command line looks like (a renamed jar, a test suite, an
 * embedding server). The parts of the agent that only make sense beside ComfyUI (the GPU sampler,
 * the figures added to {@code execute_workflow}'s result) wait for it unless the user turned them
 * on.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * RuntimeHostWatch watch = new RuntimeHostWatch();
 * watch.whenRecognised(sampler::start);      // runs at once if already recognised
 * watch.classLoaded("dev/comfyagent/runtime/tool/Tool");
 * }</pre>
 *
 * <p>Thread-safe; actions run once, on the thread that loads the class (they must not block).
 */
public final class RuntimeHostWatch {

  /** The runtime's classes whose loading says the host is agent-runtime (internal form). */
  static final List<String> MARKERS =
      List.of(
          RuntimeContract.TOOL.replace('.', '/'), RuntimeContract.RUNTIME_MAIN.replace('.', '/'));

  private final List<Runnable> actions = new ArrayList<>();
  private volatile boolean recognised;

  /** Called with the name of every class loaded until the runtime is recognised. */
  public void classLoaded(String internalName) {
    if (recognised || internalName == null) {
      return;
    }
    if (MARKERS.contains(internalName)) {
      recognise();
    }
  }

  /** Looks among the classes already loaded (a late attach). */
  public void checkLoaded(Instrumentation instrumentation) {
    if (recognised || instrumentation == null) {
      return;
    }
    for (Class<?> type : instrumentation.getAllLoadedClasses()) {
      String name = type.getName();
      if (name.startsWith(RuntimeContract.PACKAGE_PREFIX)
          && MARKERS.contains(name.replace('.', '/'))) {
        recognise();
        return;
      }
    }
  }

  /** Whether the host was recognised as agent-runtime. */
  public boolean recognised() {
    return recognised;
  }

  /** Runs {@code action} once the host is recognised as agent-runtime (at once if it is). */
  public void whenRecognised(Runnable action) {
    synchronized (actions) {
      if (!recognised) {
        actions.add(action);
        return;
      }
    }
    action.run();
  }

  /** Marks the host as agent-runtime and runs the waiting actions. */
  void recognise() {
    List<Runnable> due;
    synchronized (actions) {
      if (recognised) {
        return;
      }
      recognised = true;
      due = new ArrayList<>(actions);
      actions.clear();
    }
    for (Runnable action : due) {
      try {
        action.run();
      } catch (RuntimeException e) {
        // an action's own failure is its owner's to count; the class load goes on
      }
    }
  }
}
