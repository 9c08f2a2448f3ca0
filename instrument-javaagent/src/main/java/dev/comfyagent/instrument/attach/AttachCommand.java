package dev.comfyagent.instrument.attach;

import dev.comfyagent.instrument.fleet.MergeCommand;
import dev.comfyagent.instrument.report.ReportCommand;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The agent jar's command line: loads instrument-javaagent into a JVM that is already running, or
 * lists the JVMs it could be loaded into.
 *
 * <p>Usage:
 *
 * <pre>
 * java -jar instrument-javaagent-&lt;v&gt;.jar list
 * java -jar instrument-javaagent-&lt;v&gt;.jar attach &lt;pid&gt; [option=value ...]
 * </pre>
 *
 * <p>{@code attach} loads the jar this command runs from (found through its code source) with
 * {@code VirtualMachine.loadAgent}, and says plainly what cannot work after startup. This is a
 * command line of its own, not the observed host, so it writes to stdout; errors go to stderr with
 * exit status {@value #EXIT_FAILED} (could not attach) or {@value #EXIT_USAGE} (wrong command
 * line). It needs a JDK's {@code java} (module {@code jdk.attach}); on a runtime without it, it
 * says so.
 *
 * <p>Not thread safe; one instance per invocation.
 */
public final class AttachCommand {

  /** Exit status when the command did what it was asked. */
  public static final int EXIT_OK = 0;

  /** Exit status when it could not (no such JVM, attach refused, the agent failed to load). */
  public static final int EXIT_FAILED = 1;

  /** Exit status for a wrong command line. */
  public static final int EXIT_USAGE = 2;

  /**
   * The system property the agent sets (to its version) in every JVM it runs in, at startup or when
   * attached; {@code attach} reads it to refuse loading the agent twice.
   */
  public static final String LOADED_PROPERTY = "dev.comfyagent.instrument.loaded";

  /** The reasons a process is not attachable, and what --force does; shared by the messages. */
  static final String NOT_ATTACHABLE_HELP =
      "Either it is not a Java process, or it was started with -XX:+DisableAttachMechanism, or it"
          + " runs in another container (run this command inside that container), or"
          + " -XX:-UsePerfData hides it from the attach provider. Only in that last case, --force"
          + " attaches anyway; never force a JVM started with -XX:+DisableAttachMechanism"
          + " -XX:-UsePerfData: asked to attach, it prints a thread dump on its stdout, which"
          + " corrupts an MCP server's stdio channel.";

  private static final String USAGE =
      String.join(
          System.lineSeparator(),
          "Usage:",
          "  java -jar instrument-javaagent-<v>.jar list",
          "      Lists the running JVMs of this user that the agent can be loaded into.",
          "  java -jar instrument-javaagent-<v>.jar attach <pid> [--force] [--agent-jar <jar>]"
              + " [option=value ...]",
          "      Loads the agent into the running JVM <pid>. Options are the agent's, as after"
              + " -javaagent:<jar>=",
          "      (several may be given, or joined with commas). --agent-jar loads another agent"
              + " jar;",
          "      --force attaches to a process the attach provider does not list (see"
              + " docs/attach.md).",
          ReportCommand.USAGE,
          MergeCommand.USAGE,
          "  java -jar instrument-javaagent-<v>.jar help",
          "",
          "list and attach need a JDK's java (module jdk.attach), run as the user that runs the"
              + " target JVM.");

  private static final long DETAILS_TIMEOUT_SECONDS = 15;
  private static final int MINIMUM_JAVA = 17;
  private static final int WARNING_JAVA = 21;

  private final PrintStream out;
  private final PrintStream err;

  private AttachCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** Runs the command and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs the command, writing its report to {@code out} and problems to {@code err}.
   *
   * @return {@link #EXIT_OK}, {@link #EXIT_FAILED} or {@link #EXIT_USAGE}
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    AttachCommand command = new AttachCommand(out, err);
    try {
      return command.dispatch(args);
    } catch (AttachFailure failure) {
      err.println("error: " + failure.getMessage());
      if (failure.exitStatus() == EXIT_USAGE) {
        err.println();
        err.println(USAGE);
      }
      return failure.exitStatus();
    } finally {
      out.flush();
      err.flush();
    }
  }

  private int dispatch(String[] args) throws AttachFailure {
    if (args.length == 0) {
      throw new AttachFailure("no command given", EXIT_USAGE);
    }
    switch (args[0]) {
      case "help", "--help", "-h" -> {
        out.println(USAGE);
        return EXIT_OK;
      }
      case "list" -> {
        if (args.length > 1) {
          throw new AttachFailure("list takes no arguments, got '" + args[1] + "'", EXIT_USAGE);
        }
        return list();
      }
      case "attach" -> {
        return attach(AttachArguments.parse(args));
      }
      // Commands over the files the agent wrote: their classes load only here, never in premain.
      case "report" -> {
        return ReportCommand.run(List.of(args).subList(1, args.length), out, err);
      }
      case "merge" -> {
        return MergeCommand.run(List.of(args).subList(1, args.length), out, err);
      }
      default ->
          throw new AttachFailure(
              "unknown command '"
                  + args[0]
                  + "'; the commands are list, attach, report, merge and help",
              EXIT_USAGE);
    }
  }

  private int list() throws AttachFailure {
    requireAttachModule();
    HotSpotAttach hotSpot = new HotSpotAttach();
    List<TargetJvm> jvms = new ArrayList<>(hotSpot.list());
    jvms.sort(Comparator.comparingLong(TargetJvm::pid));
    if (jvms.isEmpty()) {
      out.println(
          "No other JVM of user "
              + System.getProperty("user.name")
              + " accepts attach on this host. JVMs of other users, in other containers, or"
              + " started with -XX:+DisableAttachMechanism or -XX:-UsePerfData are not listed.");
      return EXIT_OK;
    }
    List<TargetJvm> detailed = details(hotSpot, jvms);
    out.printf("%-8s %-15s %-8s %-6s %s%n", "PID", "KIND", "JAVA", "AGENT", "COMMAND");
    for (TargetJvm jvm : detailed) {
      out.printf(
          "%-8d %-15s %-8s %-6s %s%n",
          jvm.pid(),
          JvmKind.of(jvm).label(),
          jvm.hasDetails() ? jvm.javaVersion() : "?",
          jvm.hasDetails() ? (jvm.agentLoaded() ? "yes" : "-") : "?",
          jvm.displayName().isBlank() ? "(no command line)" : jvm.displayName());
    }
    for (TargetJvm jvm : detailed) {
      jvm.problem()
          .ifPresent(problem -> out.println("pid " + jvm.pid() + ": no details (" + problem + ")"));
    }
    out.println();
    out.println(
        "Load the agent into one: java -jar "
            + jarNameForHelp()
            + " attach <pid> [option=value ...]");
    return EXIT_OK;
  }

  /** Reads the details of every JVM in parallel, each bounded, so one hung JVM stalls nothing. */
  private static List<TargetJvm> details(HotSpotAttach hotSpot, List<TargetJvm> jvms) {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(8, jvms.size()),
            task -> {
              Thread thread = new Thread(task, "comfyagent-attach-list");
              thread.setDaemon(true);
              return thread;
            });
    try {
      List<Future<TargetJvm>> futures = new ArrayList<>();
      for (TargetJvm jvm : jvms) {
        futures.add(pool.submit(() -> hotSpot.details(jvm)));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DETAILS_TIMEOUT_SECONDS);
      List<TargetJvm> detailed = new ArrayList<>();
      for (int i = 0; i < jvms.size(); i++) {
        TargetJvm jvm = jvms.get(i);
        try {
          detailed.add(futures.get(i).get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS));
        } catch (ExecutionException | TimeoutException e) {
          detailed.add(
              new TargetJvm(
                  jvm.pid(),
                  jvm.displayName(),
                  Map.of(),
                  "",
                  Optional.of("it did not answer within " + DETAILS_TIMEOUT_SECONDS + " s")));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          detailed.add(jvm);
        }
      }
      return detailed;
    } finally {
      pool.shutdownNow();
    }
  }

  private int attach(AttachArguments arguments) throws AttachFailure {
    requireAttachModule();
    Path agentJar = arguments.agentJar().orElseGet(AttachCommand::ownJar);
    if (agentJar == null) {
      throw new AttachFailure(
          "this command does not run from a jar ("
              + codeSourceDescription()
              + "), so there is no agent jar to load; run it as java -jar"
              + " instrument-javaagent-<v>.jar, or give --agent-jar <jar>");
    }
    agentJar = agentJar.toAbsolutePath().normalize();
    if (!Files.isRegularFile(agentJar)) {
      throw new AttachFailure("the agent jar " + agentJar + " does not exist");
    }
    long pid = arguments.pid();
    HotSpotAttach hotSpot = new HotSpotAttach();
    Optional<TargetJvm> listed =
        hotSpot.list().stream().filter(jvm -> jvm.pid() == pid).findFirst();
    AttachPreflight.ProcessFacts process = AttachPreflight.ProcessFacts.of(pid);
    Optional<String> refusal =
        AttachPreflight.refusal(
            process,
            ProcessHandle.current().pid(),
            System.getProperty("user.name", ""),
            listed.isPresent(),
            arguments.force());
    if (refusal.isPresent()) {
      throw new AttachFailure(refusal.get());
    }
    TargetJvm target =
        listed.orElseGet(() -> TargetJvm.listed(pid, process.commandLine().orElse("")));
    try (HotSpotAttach.Session session = hotSpot.attach(target)) {
      TargetJvm jvm = session.target();
      Optional<Integer> java = jvm.javaFeatureVersion();
      if (java.isPresent() && java.get() < MINIMUM_JAVA) {
        throw new AttachFailure(
            "pid "
                + pid
                + " runs Java "
                + jvm.javaVersion()
                + "; the agent needs Java "
                + MINIMUM_JAVA
                + " or newer");
      }
      if (jvm.agentLoaded()) {
        throw new AttachFailure(
            "pid "
                + pid
                + " already runs instrument-javaagent"
                + Optional.ofNullable(jvm.properties().get(TargetJvm.LOADED_PROPERTY))
                    .map(version -> " " + version)
                    .orElse("")
                + "; loading it twice would count every call twice");
      }
      session.loadAgent(agentJar, arguments.options());
      if (session.runningAgent().isEmpty()) {
        throw new AttachFailure(
            "pid "
                + pid
                + " loaded "
                + agentJar
                + " but the agent did not start there; the target's stderr says why (a wrong"
                + " option or an output directory it cannot write, say). It runs as before,"
                + " unobserved.");
      }
      report(jvm, agentJar, arguments.options());
      return EXIT_OK;
    }
  }

  /** The {@code Implementation-Version} of the agent jar loaded, if it has one. */
  static Optional<String> jarVersion(Path agentJar) {
    try (JarFile jar = new JarFile(agentJar.toFile(), false)) {
      Manifest manifest = jar.getManifest();
      return Optional.ofNullable(
              manifest == null
                  ? null
                  : manifest.getMainAttributes().getValue(Attributes.Name.IMPLEMENTATION_VERSION))
          .filter(v -> !v.isBlank());
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private void report(TargetJvm jvm, Path agentJar, String options) {
    String version = jarVersion(agentJar).orElse("(development build)");
    out.println(
        "Loaded instrument-javaagent "
            + version
            + " into pid "
            + jvm.pid()
            + " ("
            + JvmKind.of(jvm).label()
            + ", Java "
            + jvm.javaVersion()
            + ").");
    out.println("  agent jar:   " + agentJar);
    out.println("  options:     " + (options.isEmpty() ? "(none: the defaults)" : options));
    String workingDirectory = jvm.properties().get("user.dir");
    if (workingDirectory != null) {
      out.println(
          "  working dir: "
              + workingDirectory
              + " (relative paths, like the default output.dir ./logs, resolve there)");
    }
    out.println();
    out.println("What works from now on:");
    out.println(
        "  - Tool classes already loaded are retransformed: timing, success counting and tracing"
            + " apply from their next call.");
    out.println("  - Classes loaded from now on are woven as they load, as with -javaagent.");
    out.println(
        "  - Active sessions are read from the session registry itself once a tool touches a"
            + " session, so sessions opened before now are included.");
    out.println(
        "  - Memory probes find the objects built before now when they are next used (a cache"
            + " is counted from the first tool call that reads it); GPU sampling starts now.");
    out.println("What cannot work after startup:");
    out.println(
        "  - get_agent_stats cannot be added to an MCP server that was already built: its"
            + " tools/list stays as it was. The same figures are in metrics.jsonl; start the"
            + " server with -javaagent to get the tool.");
    out.println(
        "  - Calls in flight at this moment are not recorded, and an object that is never used"
            + " again is not seen by memory probes.");
    Optional<Integer> java = jvm.javaFeatureVersion();
    if (java.isPresent() && java.get() >= WARNING_JAVA) {
      out.println();
      if (jvm.hasFlag("-XX:+EnableDynamicAgentLoading")) {
        out.println(
            "Java "
                + java.get()
                + ": the target allows dynamic agents (-XX:+EnableDynamicAgentLoading), so it"
                + " printed no warning.");
      } else {
        out.println(
            "Java "
                + java.get()
                + " (JEP 451): the target printed \"WARNING: A Java agent has been loaded"
                + " dynamically ...\" on its stderr (not stdout: the MCP channel is untouched).");
        out.println(
            "  Start it with -XX:+EnableDynamicAgentLoading to allow this without the warning, or"
                + " with -javaagent to load the agent at startup; a future Java may refuse"
                + " dynamic loading without the flag.");
      }
    }
  }

  private static void requireAttachModule() throws AttachFailure {
    if (ModuleLayer.boot().findModule("jdk.attach").isEmpty()) {
      throw new AttachFailure(
          "this Java runtime ("
              + System.getProperty("java.home")
              + ", Java "
              + System.getProperty("java.version")
              + ") has no jdk.attach module, which attaching needs: run the command with a JDK's"
              + " java (e.g. $JAVA_HOME/bin/java of a JDK 17 or newer), or with a runtime image"
              + " that includes jdk.attach");
    }
  }

  /** The jar this class was loaded from, or null when it runs from a directory. */
  static Path ownJar() {
    try {
      CodeSource source = AttachCommand.class.getProtectionDomain().getCodeSource();
      if (source == null || source.getLocation() == null) {
        return null;
      }
      Path location = Path.of(source.getLocation().toURI());
      return Files.isRegularFile(location) ? location : null;
    } catch (URISyntaxException | RuntimeException e) {
      return null;
    }
  }

  private static String codeSourceDescription() {
    CodeSource source = AttachCommand.class.getProtectionDomain().getCodeSource();
    return source == null || source.getLocation() == null
        ? "no code source"
        : "it was loaded from " + source.getLocation();
  }

  private static String jarNameForHelp() {
    Path jar = ownJar();
    return jar == null ? "instrument-javaagent-<v>.jar" : jar.toString();
  }

  /**
   * The arguments of {@code attach}.
   *
   * @param pid the target's process id
   * @param options the agent options, joined with commas ("" for none)
   * @param agentJar another agent jar to load, else the one this command runs from
   * @param force whether to attach to a process the provider does not list
   */
  record AttachArguments(long pid, String options, Optional<Path> agentJar, boolean force) {

    static AttachArguments parse(String[] args) throws AttachFailure {
      if (args.length < 2) {
        throw new AttachFailure("attach needs the pid of the JVM to attach to", EXIT_USAGE);
      }
      long pid = pid(args[1]);
      List<String> options = new ArrayList<>();
      Optional<Path> agentJar = Optional.empty();
      boolean force = false;
      for (int i = 2; i < args.length; i++) {
        String argument = args[i];
        if (argument.equals("--force")) {
          force = true;
        } else if (argument.equals("--agent-jar")) {
          if (i + 1 >= args.length) {
            throw new AttachFailure("--agent-jar needs the path of a jar", EXIT_USAGE);
          }
          agentJar = Optional.of(Path.of(args[++i]));
        } else if (argument.startsWith("-")) {
          throw new AttachFailure(
              "unknown flag '" + argument + "'; attach takes --force and --agent-jar <jar>",
              EXIT_USAGE);
        } else if (argument.indexOf('=') <= 0) {
          throw new AttachFailure(
              "'" + argument + "' is not an agent option; options read key=value, e.g. gpu=off",
              EXIT_USAGE);
        } else {
          options.add(argument);
        }
      }
      return new AttachArguments(pid, String.join(",", options), agentJar, force);
    }

    private static long pid(String text) throws AttachFailure {
      try {
        long pid = Long.parseLong(text);
        if (pid > 0) {
          return pid;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new AttachFailure(
          "'" + text + "' is not a process id; give the pid shown by the list command", EXIT_USAGE);
    }
  }
}
