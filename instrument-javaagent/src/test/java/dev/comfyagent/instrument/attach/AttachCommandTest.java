package dev.comfyagent.instrument.attach;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AttachCommandTest {

  @TempDir Path temp;

  /** What one run of the command printed and returned. */
  record Run(int status, String out, String err) {}

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        AttachCommand.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Runs the command in a JVM of its own, as a user would. */
  private static Run runProcess(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).start();
    process.getOutputStream().close();
    StreamCollector err = new StreamCollector(process.getErrorStream());
    String out = new StreamCollector(process.getInputStream()).await();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("the command did not end: " + command);
    }
    return new Run(process.exitValue(), out, err.await());
  }

  @Test
  void loadsTheAgentIntoARunningJvmAndSaysWhatCannotWorkAfterStartup() throws Exception {
    Path jar = TestJars.agentJar(temp, "marker-agent.jar", MarkerAgent.class);
    Path marker = temp.resolve("marker.txt");
    try (ChildJvm child = ChildJvm.start()) {
      Run run =
          run(
              "attach",
              Long.toString(child.pid()),
              "--agent-jar",
              jar.toString(),
              "marker=" + marker,
              "gpu=off,output.dir=logs");

      assertThat(run.err()).isEmpty();
      assertThat(run.status()).isZero();
      assertThat(Files.readString(marker))
          .isEqualTo("marker=" + marker + ",gpu=off,output.dir=logs\nretransform=true");
      assertThat(run.out())
          .contains("Loaded instrument-javaagent (development build) into pid " + child.pid())
          .contains("(other JVM, Java " + System.getProperty("java.version") + ")")
          .contains("agent jar:   " + jar)
          .contains("options:     marker=" + marker + ",gpu=off,output.dir=logs")
          .contains("working dir: " + System.getProperty("user.dir"))
          .contains("Tool classes already loaded are retransformed")
          .contains("get_agent_stats cannot be added to an MCP server that was already built")
          .contains("sessions opened before now are included");
      String stdoutAfterAttach = child.stopAndReadStdout();
      assertThat(stdoutAfterAttach).as("the target's stdout (an MCP channel)").isEmpty();
      if (Runtime.version().feature() >= 21) {
        assertThat(run.out()).contains("(JEP 451): the target printed");
        assertThat(child.stderr()).contains("A Java agent has been loaded dynamically");
      } else {
        assertThat(run.out()).doesNotContain("JEP 451");
      }
    }
  }

  @Test
  void saysNoWarningWasPrintedWhenTheTargetAllowsDynamicAgents() throws Exception {
    Path jar = TestJars.agentJar(temp, "marker-agent.jar", MarkerAgent.class);
    try (ChildJvm child = ChildJvm.start("-XX:+EnableDynamicAgentLoading")) {
      Run run = run("attach", Long.toString(child.pid()), "--agent-jar", jar.toString());

      assertThat(run.status()).isZero();
      assertThat(run.out()).contains("options:     (none: the defaults)");
      if (Runtime.version().feature() >= 21) {
        assertThat(run.out()).contains("allows dynamic agents (-XX:+EnableDynamicAgentLoading)");
        assertThat(child.stderr()).doesNotContain("loaded dynamically");
      }
    }
  }

  @Test
  @DisabledOnOs(OS.WINDOWS)
  void loadsTheJarItRunsFrom() throws Exception {
    Path jar = TestJars.agentJar(temp, "instrument-javaagent-test.jar", MarkerAgent.class);
    Path marker = temp.resolve("self-marker.txt");
    try (ChildJvm child = ChildJvm.start()) {
      Run run =
          runProcess(
              List.of(
                  ChildJvm.java(),
                  "-jar",
                  jar.toString(),
                  "attach",
                  Long.toString(child.pid()),
                  "marker=" + marker));

      assertThat(run.status()).as(run.err()).isZero();
      assertThat(run.out()).contains("agent jar:   " + jar.toRealPath());
      assertThat(Files.readString(marker)).startsWith("marker=" + marker);
    }
  }

  @Test
  void refusesToLoadTheAgentTwice() throws Exception {
    Path jar = TestJars.agentJar(temp, "marker-agent.jar", MarkerAgent.class);
    try (ChildJvm child = ChildJvm.start()) {
      String pid = Long.toString(child.pid());
      assertThat(run("attach", pid, "--agent-jar", jar.toString()).status()).isZero();

      Run again = run("attach", pid, "--agent-jar", jar.toString());

      assertThat(again.status()).isEqualTo(AttachCommand.EXIT_FAILED);
      assertThat(again.err())
          .isEqualTo(
              "error: pid "
                  + pid
                  + " already runs instrument-javaagent marker-agent; loading it twice would count"
                  + " every call twice"
                  + System.lineSeparator());
    }
  }

  @Test
  void saysSoWhenTheAgentLoadedButDidNotStart() throws Exception {
    Path jar = TestJars.agentJar(temp, "silent-agent.jar", SilentAgent.class);
    try (ChildJvm child = ChildJvm.start()) {
      Run run = run("attach", Long.toString(child.pid()), "--agent-jar", jar.toString(), "trce=on");

      assertThat(run.status()).isEqualTo(AttachCommand.EXIT_FAILED);
      assertThat(run.err())
          .contains("pid " + child.pid() + " loaded " + jar)
          .contains("but the agent did not start there; the target's stderr says why");
      assertThat(run.out()).doesNotContain("Loaded instrument-javaagent");
    }
  }

  @Test
  void refusesAJvmStartedWithAttachDisabledWithoutTouchingItsStdout() throws Exception {
    Path jar = TestJars.agentJar(temp, "marker-agent.jar", MarkerAgent.class);
    try (ChildJvm child = ChildJvm.start("-XX:+DisableAttachMechanism", "-XX:-UsePerfData")) {
      Run run = run("attach", Long.toString(child.pid()), "--agent-jar", jar.toString());

      assertThat(run.status()).isEqualTo(AttachCommand.EXIT_FAILED);
      assertThat(run.err())
          .contains("pid " + child.pid())
          .contains("is not listed as a JVM that accepts attach")
          .contains("-XX:+DisableAttachMechanism")
          .contains("--force");
      assertThat(child.stopAndReadStdout()).as("no thread dump on the target's stdout").isEmpty();
    }
  }

  @Test
  void explainsTheFailureWhenForcedOntoAJvmWithAttachDisabled() throws Exception {
    Path jar = TestJars.agentJar(temp, "marker-agent.jar", MarkerAgent.class);
    try (ChildJvm child = ChildJvm.start("-XX:+DisableAttachMechanism")) {
      Run run = run("attach", Long.toString(child.pid()), "--force", "--agent-jar", jar.toString());

      assertThat(run.status()).isEqualTo(AttachCommand.EXIT_FAILED);
      assertThat(run.err())
          .contains("cannot attach to pid " + child.pid())
          .contains("does not support the attach mechanism")
          .contains("-XX:+DisableAttachMechanism");
      assertThat(child.stopAndReadStdout()).isEmpty();
    }
  }

  @Test
  @DisabledOnOs(OS.WINDOWS)
  void refusesAProcessThatIsNotAJvm() throws Exception {
    Process sleep = new ProcessBuilder("sleep", "60").start();
    try {
      Run run =
          run("attach", Long.toString(sleep.pid()), "--agent-jar", temp.toString() + "/x.jar");

      assertThat(run.status()).isEqualTo(AttachCommand.EXIT_FAILED);
      assertThat(run.err()).contains("the agent jar " + temp + "/x.jar does not exist");

      Path jar = TestJars.agentJar(temp, "marker-agent.jar", MarkerAgent.class);
      run = run("attach", Long.toString(sleep.pid()), "--agent-jar", jar.toString());

      assertThat(run.status()).isEqualTo(AttachCommand.EXIT_FAILED);
      assertThat(run.err())
          .containsPattern("pid " + sleep.pid() + " \\(\\S*sleep 60\\) is not listed as a JVM that")
          .contains("it is not a Java process");
      assertThat(sleep.isAlive()).isTrue();
    } finally {
      sleep.destroyForcibly();
    }
  }

  @Test
  void refusesAPidThatDoesNotRun() throws Exception {
    Path jar = TestJars.agentJar(temp, "marker-agent.jar", MarkerAgent.class);
    Process exited = new ProcessBuilder(ChildJvm.java(), "-version").start();
    exited.waitFor(30, TimeUnit.SECONDS);

    Run run = run("attach", Long.toString(exited.pid()), "--agent-jar", jar.toString());

    assertThat(run.status()).isEqualTo(AttachCommand.EXIT_FAILED);
    assertThat(run.err()).contains("no process with pid " + exited.pid() + " is running");
  }

  @Test
  void refusesToAttachToItself() throws Exception {
    Path jar = TestJars.agentJar(temp, "marker-agent.jar", MarkerAgent.class);

    Run run =
        run("attach", Long.toString(ProcessHandle.current().pid()), "--agent-jar", jar.toString());

    assertThat(run.status()).isEqualTo(AttachCommand.EXIT_FAILED);
    assertThat(run.err()).contains("is this attach command itself");
  }

  @Test
  void reportsAnAgentThatFailsToStartInTheTarget() throws Exception {
    Path jar = TestJars.agentJar(temp, "failing-agent.jar", FailingAgent.class);
    try (ChildJvm child = ChildJvm.start()) {
      Run run = run("attach", Long.toString(child.pid()), "--agent-jar", jar.toString());

      assertThat(run.status()).isEqualTo(AttachCommand.EXIT_FAILED);
      assertThat(run.err())
          .contains("the agent was loaded into pid " + child.pid() + " but failed to start there")
          .contains("The target's stderr has the details");
      assertThat(child.stderr()).contains("test agent refuses to start");
    }
  }

  @Test
  void reportsAJarWithoutAnAgentClass() throws Exception {
    Path jar = TestJars.agentJar(temp, "no-agent.jar", null);
    try (ChildJvm child = ChildJvm.start()) {
      Run run = run("attach", Long.toString(child.pid()), "--agent-jar", jar.toString());

      assertThat(run.status()).isEqualTo(AttachCommand.EXIT_FAILED);
      assertThat(run.err())
          .contains("pid " + child.pid() + " could not load " + jar)
          .contains("has an Agent-Class in its manifest");
    }
  }

  @Test
  void refusesToRunFromClassesOutsideAJar() {
    Run run = run("attach", "12345");

    assertThat(run.status()).isEqualTo(AttachCommand.EXIT_FAILED);
    assertThat(run.err())
        .contains("this command does not run from a jar")
        .contains("give --agent-jar <jar>");
  }

  @Test
  void listsTheJvmsThatAcceptAttachWithTheirKind() throws Exception {
    Path sdkClasses = temp.resolve("sdk-classes");
    Path serverClass = sdkClasses.resolve(JvmKind.MCP_SERVER_CLASS);
    Files.createDirectories(serverClass.getParent());
    Files.write(serverClass, new byte[0]);
    try (ChildJvm plain = ChildJvm.start();
        ChildJvm mcp = ChildJvm.start(List.of(TestJars.testClasses(), sdkClasses));
        ChildJvm hidden = ChildJvm.start("-XX:+DisableAttachMechanism")) {
      Run run = run("list");

      assertThat(run.status()).isZero();
      List<String> lines = run.out().lines().toList();
      assertThat(lines.get(0)).matches("PID +KIND +JAVA +AGENT +COMMAND");
      assertThat(lines)
          .anyMatch(
              line ->
                  line.matches(
                      plain.pid()
                          + " +other JVM +"
                          + System.getProperty("java.version").replace(".", "\\.")
                          + " +- +"
                          + WaitsOnStdin.class.getName().replace(".", "\\.")))
          .anyMatch(line -> line.matches(mcp.pid() + " +MCP SDK server .*"))
          .noneMatch(line -> line.startsWith(hidden.pid() + " "))
          .noneMatch(line -> line.startsWith(ProcessHandle.current().pid() + " "));
      assertThat(run.out()).contains("Load the agent into one: java -jar");
    }
  }

  @Test
  @DisabledOnOs(OS.WINDOWS)
  void explainsThatTheRuntimeHasNoAttachModule() throws Exception {
    Run run =
        runProcess(
            List.of(
                ChildJvm.java(),
                "--limit-modules",
                "java.base",
                "-cp",
                TestJars.mainClasses().toString(),
                AttachCommand.class.getName(),
                "list"));

    assertThat(run.status()).isEqualTo(AttachCommand.EXIT_FAILED);
    assertThat(run.err())
        .contains("has no jdk.attach module, which attaching needs")
        .contains("run the command with a JDK's java");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void printsUsageOnRequest() {
    Run run = run("help");

    assertThat(run.status()).isZero();
    assertThat(run.out())
        .contains("java -jar instrument-javaagent-<v>.jar list")
        .contains("java -jar instrument-javaagent-<v>.jar attach <pid>");
    assertThat(run.err()).isEmpty();
  }

  static Stream<Arguments> wrongCommandLines() {
    return Stream.of(
        Arguments.of(new String[] {}, "no command given"),
        Arguments.of(
            new String[] {"frobnicate"},
            "unknown command 'frobnicate'; the commands are list, attach, report, merge and help"),
        Arguments.of(new String[] {"list", "--all"}, "list takes no arguments, got '--all'"),
        Arguments.of(new String[] {"attach"}, "attach needs the pid of the JVM to attach to"),
        Arguments.of(new String[] {"attach", "java"}, "'java' is not a process id"),
        Arguments.of(new String[] {"attach", "-5"}, "'-5' is not a process id"),
        Arguments.of(new String[] {"attach", "0"}, "'0' is not a process id"),
        Arguments.of(
            new String[] {"attach", "123", "--verbose"},
            "unknown flag '--verbose'; attach takes --force and --agent-jar <jar>"),
        Arguments.of(
            new String[] {"attach", "123", "gpu"},
            "'gpu' is not an agent option; options read key=value, e.g. gpu=off"),
        Arguments.of(
            new String[] {"attach", "123", "=off"},
            "'=off' is not an agent option; options read key=value, e.g. gpu=off"),
        Arguments.of(
            new String[] {"attach", "123", "--agent-jar"}, "--agent-jar needs the path of a jar"));
  }

  @ParameterizedTest
  @MethodSource("wrongCommandLines")
  void rejectsAWrongCommandLineWithUsage(String[] args, String message) {
    Run run = run(args);

    assertThat(run.status()).isEqualTo(AttachCommand.EXIT_USAGE);
    assertThat(run.err()).startsWith("error: " + message).contains("Usage:");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void joinsSeveralOptionArgumentsWithCommas() throws AttachFailure {
    AttachCommand.AttachArguments arguments =
        AttachCommand.AttachArguments.parse(
            new String[] {"attach", "42", "gpu=off", "--force", "output.dir=/tmp/x,trace=false"});

    assertThat(arguments.pid()).isEqualTo(42);
    assertThat(arguments.options()).isEqualTo("gpu=off,output.dir=/tmp/x,trace=false");
    assertThat(arguments.force()).isTrue();
    assertThat(arguments.agentJar()).isEmpty();
    assertThat(new ArrayList<>(List.of(arguments.options().split(",")))).hasSize(3);
  }
}
