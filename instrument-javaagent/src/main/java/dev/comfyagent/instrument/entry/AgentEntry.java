package dev.comfyagent.instrument.entry;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * The agent's entry point, and the only agent class the host's class path ever loads besides the
 * bootstrap bridge. It does as little as possible and holds no state: it creates the isolated
 * {@link AgentClassLoader} and hands the option string to the installer inside it, which parses and
 * validates the options and waits for a class worth observing (see {@code AgentInstaller}). Nothing
 * here depends on which class loader loads the host.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * java -javaagent:instrument-javaagent-<v>.jar=output.dir=./logs,trace=on -jar agent-runtime-<v>.jar serve
 * JAVA_TOOL_OPTIONS="-javaagent:/opt/agent.jar" java -jar app.jar
 * java -jar instrument-javaagent-<v>.jar attach <pid> [options]   (command line: see docs/agent.md)
 * }</pre>
 *
 * <p>A wrong option is reported on one stderr line and the host runs uninstrumented; with {@code
 * strict=true} the JVM exits with status {@value #STRICT_EXIT_STATUS} after that line, before the
 * application starts (nothing on stdout).
 */
public final class AgentEntry {

  /** The exit status of a JVM whose start {@code strict=true} stopped. */
  static final int STRICT_EXIT_STATUS = 2;

  /** How every line of the agent on stderr starts; the installer's strict refusals say it too. */
  static final String REPORTED = "comfy-agent: ";

  /** The installer inside the agent class loader. */
  static final String INSTALLER = "dev.comfyagent.instrument.AgentInstaller";

  /** The command line ({@code attach}, {@code list}) inside the agent class loader. */
  static final String COMMAND_LINE = "dev.comfyagent.instrument.attach.AttachCommand";

  private AgentEntry() {}

  /** Called by the JVM for {@code -javaagent:}. */
  public static void premain(String arguments, Instrumentation instrumentation) throws Exception {
    start(arguments, instrumentation, false);
  }

  /** Called by the JVM when the agent is loaded into a running JVM. */
  public static void agentmain(String arguments, Instrumentation instrumentation) throws Exception {
    start(arguments, instrumentation, true);
  }

  /** {@code java -jar agent.jar ...}: hands the command line to the agent's command class. */
  public static void main(String[] args) throws Exception {
    ClassLoader loader;
    try {
      loader = new AgentClassLoader(agentJar(), ClassLoader.getPlatformClassLoader());
    } catch (RuntimeException e) {
      System.err.println("comfy-agent: " + e.getMessage());
      System.exit(2);
      return;
    }
    Class<?> command;
    try {
      command = Class.forName(COMMAND_LINE, true, loader);
    } catch (ClassNotFoundException e) {
      System.err.println(
          "comfy-agent: this jar is a Java agent; attach it with"
              + " -javaagent:instrument-javaagent.jar[=options] (see docs/agent.md)");
      System.exit(2);
      return;
    }
    invoke(command.getMethod("main", String[].class), (Object) args);
  }

  private static void start(String arguments, Instrumentation instrumentation, boolean late)
      throws Exception {
    Path jar;
    Method install;
    AgentClassLoader loader;
    try {
      jar = agentJar();
      // The bridge goes into the bootstrap loader only when the agent starts weaving (the
      // installer does it): until then no host class can call it, and a JVM where the agent
      // never starts has nothing of the agent's there.
      loader = new AgentClassLoader(jar, ClassLoader.getPlatformClassLoader());
      install =
          Class.forName(INSTALLER, true, loader)
              .getMethod("install", String.class, Instrumentation.class, boolean.class, Path.class);
    } catch (Exception | LinkageError e) {
      if (stopsTheStart(arguments, e)) {
        stopStrictly(late, e);
      }
      return;
    }
    try {
      invoke(install, arguments, instrumentation, late, jar);
    } catch (Exception | Error e) {
      if (stopsTheStart(arguments, e)) {
        stopStrictly(late, e);
      }
    } finally {
      loader.startupDone();
    }
  }

  /**
   * Reports a failure to start the agent and says whether it stops the JVM's start. The installer's
   * own refusal under {@code strict=true} (an {@code IllegalStateException} whose message starts
   * with {@value #REPORTED}) has been reported already and stops it; any other failure, a defect or
   * a broken jar, is reported here on one stderr line naming it, and stops the start only when
   * {@code strict} is asked for.
   */
  static boolean stopsTheStart(String arguments, Throwable failure) {
    if (failure instanceof IllegalStateException
        && failure.getMessage() != null
        && failure.getMessage().startsWith(REPORTED)) {
      return true;
    }
    boolean strict = strictRequested(arguments);
    StackTraceElement[] trace = failure.getStackTrace();
    String cause = failure + (trace.length == 0 ? "" : " at " + trace[0]);
    System.err.println(
        REPORTED
            + "cannot start ("
            + cause.replaceAll("\\R+", " ")
            + "); "
            + (strict ? "stopping because strict=true" : "the application runs without the agent"));
    return strict;
  }

  /**
   * Stops the JVM's start for {@code strict=true}: the reason is on stderr already. A premain that
   * throws would make HotSpot print "FATAL ERROR in native method: processing of -javaagent failed"
   * and native frames on stdout, which is an MCP server's protocol channel, so the JVM exits with
   * {@value #STRICT_EXIT_STATUS} instead. A late attach only fails the attach: the running JVM is
   * not stopped.
   */
  private static void stopStrictly(boolean late, Throwable failure) throws Exception {
    if (late) {
      if (failure instanceof Exception exception) {
        throw exception;
      }
      throw (Error) failure;
    }
    System.err.flush();
    System.exit(STRICT_EXIT_STATUS);
  }

  /** Calls into the agent class loader; a strict-mode failure is rethrown as itself. */
  private static void invoke(Method method, Object... arguments) throws Exception {
    try {
      method.invoke(null, arguments);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception exception) {
        throw exception;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  /** Whether strict mode is asked for, by the rule the options themselves use. */
  static boolean strictRequested(String arguments) {
    return AgentArguments.strictRequested(arguments, System.getProperties(), System.getenv());
  }

  /** The jar this class was loaded from. */
  static Path agentJar() {
    try {
      var source = AgentEntry.class.getProtectionDomain().getCodeSource();
      if (source == null || source.getLocation() == null) {
        throw new IllegalStateException("the agent jar's location is unknown");
      }
      Path path = Path.of(source.getLocation().toURI());
      if (!path.toString().endsWith(".jar") && !new File(path.toString()).isFile()) {
        throw new IllegalStateException(path + " is not the agent jar");
      }
      return path;
    } catch (URISyntaxException e) {
      throw new IllegalStateException("the agent jar's location is not a file: " + e.getMessage());
    }
  }
}
