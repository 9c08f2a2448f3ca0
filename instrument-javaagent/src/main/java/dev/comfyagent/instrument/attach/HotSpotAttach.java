package dev.comfyagent.instrument.attach;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The one class that touches {@code com.sun.tools.attach} (module {@code jdk.attach}), so that the
 * rest of the command loads on a runtime without that module and can say what is missing.
 *
 * <p>Stateless and thread safe; every method attaches and detaches on its own.
 */
final class HotSpotAttach {

  /** JVMs of this user that accept attach (as the attach provider lists them), this one aside. */
  List<TargetJvm> list() {
    long self = ProcessHandle.current().pid();
    List<TargetJvm> jvms = new ArrayList<>();
    for (VirtualMachineDescriptor descriptor : VirtualMachine.list()) {
      try {
        long pid = Long.parseLong(descriptor.id());
        if (pid != self) {
          jvms.add(TargetJvm.listed(pid, descriptor.displayName()));
        }
      } catch (NumberFormatException e) {
        // A provider that does not name JVMs by pid; such a JVM cannot be asked for by pid either.
      }
    }
    return jvms;
  }

  /** The JVM with its properties and flags read over a short attach; the problem when it failed. */
  TargetJvm details(TargetJvm jvm) {
    VirtualMachine vm = null;
    try {
      vm = VirtualMachine.attach(Long.toString(jvm.pid()));
      return withDetails(jvm, vm);
    } catch (AttachNotSupportedException | IOException | RuntimeException e) {
      return new TargetJvm(jvm.pid(), jvm.displayName(), Map.of(), "", Optional.of(describe(e)));
    } finally {
      detach(vm);
    }
  }

  /** An attached session with one JVM, for reading details and then loading the agent. */
  interface Session extends AutoCloseable {
    /** The JVM with its properties and flags. */
    TargetJvm target();

    /** Loads the agent jar with the options into the JVM. */
    void loadAgent(Path agentJar, String options) throws AttachFailure;

    /**
     * The version the agent announced in the JVM ({@link AttachCommand#LOADED_PROPERTY}), read now;
     * empty when it did not start there (it refused its options, say) or the JVM did not answer.
     */
    Optional<String> runningAgent();

    @Override
    void close();
  }

  /** Attaches to the JVM; the caller closes the session. */
  Session attach(TargetJvm jvm) throws AttachFailure {
    VirtualMachine vm;
    try {
      vm = VirtualMachine.attach(Long.toString(jvm.pid()));
    } catch (AttachNotSupportedException e) {
      throw new AttachFailure(
          "cannot attach to pid "
              + jvm.pid()
              + ": "
              + describe(e)
              + ". "
              + AttachCommand.NOT_ATTACHABLE_HELP);
    } catch (IOException e) {
      throw new AttachFailure(
          "cannot attach to pid "
              + jvm.pid()
              + ": "
              + describe(e)
              + ". The attach API only connects to JVMs of the same user, on the same host and"
              + " in the same container.");
    }
    TargetJvm target;
    try {
      target = withDetails(jvm, vm);
    } catch (IOException e) {
      detach(vm);
      throw new AttachFailure(
          "attached to pid " + jvm.pid() + " but it did not answer: " + describe(e));
    }
    VirtualMachine attached = vm;
    return new Session() {
      @Override
      public TargetJvm target() {
        return target;
      }

      @Override
      public void loadAgent(Path agentJar, String options) throws AttachFailure {
        try {
          attached.loadAgent(agentJar.toString(), options);
        } catch (AgentInitializationException e) {
          throw new AttachFailure(
              "the agent was loaded into pid "
                  + target.pid()
                  + " but failed to start there"
                  + (e.returnValue() != 0 ? " (agentmain returned " + e.returnValue() + ")" : "")
                  + ": "
                  + describe(e)
                  + ". The target's stderr has the details.");
        } catch (AgentLoadException e) {
          throw new AttachFailure(loadFailure(target, agentJar, describe(e)));
        } catch (IOException e) {
          throw new AttachFailure(loadFailure(target, agentJar, describe(e)));
        }
      }

      @Override
      public Optional<String> runningAgent() {
        try {
          return Optional.ofNullable(
              attached.getSystemProperties().getProperty(AttachCommand.LOADED_PROPERTY));
        } catch (IOException e) {
          return Optional.empty();
        }
      }

      @Override
      public void close() {
        detach(attached);
      }
    };
  }

  private static String loadFailure(TargetJvm target, Path agentJar, String reason) {
    String hint =
        target.hasFlag("-XX:-EnableDynamicAgentLoading")
            ? " It was started with -XX:-EnableDynamicAgentLoading, which forbids loading agents"
                + " after startup: restart it with -javaagent:"
                + agentJar
                + " instead."
            : " Check that "
                + agentJar
                + " is readable by the target's user and has an"
                + " Agent-Class in its manifest.";
    return "pid " + target.pid() + " could not load " + agentJar + ": " + reason + "." + hint;
  }

  private static TargetJvm withDetails(TargetJvm jvm, VirtualMachine vm) throws IOException {
    Map<String, String> properties = strings(vm.getSystemProperties());
    String jvmArguments = strings(vm.getAgentProperties()).getOrDefault("sun.jvm.args", "");
    return new TargetJvm(jvm.pid(), jvm.displayName(), properties, jvmArguments, Optional.empty());
  }

  private static Map<String, String> strings(Properties properties) {
    Map<String, String> map = new HashMap<>();
    for (String name : properties.stringPropertyNames()) {
      map.put(name, properties.getProperty(name));
    }
    return map;
  }

  private static void detach(VirtualMachine vm) {
    if (vm == null) {
      return;
    }
    try {
      vm.detach();
    } catch (IOException e) {
      // The target went away; there is nothing left to release.
    }
  }

  private static String describe(Exception e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}
