package dev.comfyagent.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;

class LoggingSetupTest {

  @TempDir Path logDir;

  private final LoggerContext context = contextSharingTheMdc();
  private final PrintStream realOut = System.out;
  private final PrintStream realErr = System.err;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  /** A context of its own that sees what {@code org.slf4j.MDC} holds, as the real one does. */
  private static LoggerContext contextSharingTheMdc() {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(MDC.getMDCAdapter());
    return context;
  }

  @AfterEach
  void restore() {
    System.setOut(realOut);
    System.setErr(realErr);
    context.stop();
    MDC.clear();
  }

  @Test
  void writesJsonLinesWithTheCorrelationIdToTheLogDirAndNothingToStdout() throws Exception {
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    LoggingSetup.configure(context, logDir, "INFO");
    Logger log = context.getLogger("dev.comfyagent.runtime.test");

    MDC.put("correlation_id", "4bf92f3577b34da6a3ce929d0e0e4736");
    log.info("tools/call {} done", "search_nodes");
    MDC.clear();
    log.warn("outside a call", new IllegalStateException("boom"));
    context.stop();

    List<String> lines = Files.readAllLines(logDir.resolve("runtime.log"));
    assertThat(lines).hasSize(2);
    ObjectMapper json = new ObjectMapper();
    JsonNode first = json.readTree(lines.get(0));
    assertThat(first.path("level").asText()).isEqualTo("INFO");
    assertThat(first.path("loggerName").asText()).isEqualTo("dev.comfyagent.runtime.test");
    assertThat(first.path("threadName").asText()).isEqualTo(Thread.currentThread().getName());
    assertThat(first.path("timestamp").asLong()).isPositive();
    assertThat(first.path("formattedMessage").asText()).isEqualTo("tools/call search_nodes done");
    assertThat(first.path("mdc").path("correlation_id").asText())
        .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    JsonNode second = json.readTree(lines.get(1));
    assertThat(second.path("throwable").path("className").asText())
        .isEqualTo("java.lang.IllegalStateException");
    assertThat(second.path("throwable").path("message").asText()).isEqualTo("boom");

    assertThat(out.size()).as("bytes on stdout").isZero();
    String stderr = err.toString(StandardCharsets.UTF_8);
    assertThat(stderr)
        .contains("INFO  test [4bf92f3577b34da6a3ce929d0e0e4736] - tools/call search_nodes done")
        .contains("WARN  test - outside a call");
  }

  @Test
  void honoursTheLogLevelForTheRuntimesLoggers() throws Exception {
    LoggingSetup.configure(context, logDir, "WARN");
    context.getLogger("dev.comfyagent.runtime.x").info("hidden");
    context.getLogger("dev.comfyagent.runtime.x").warn("shown");
    context.stop();

    assertThat(Files.readString(logDir.resolve("runtime.log")))
        .contains("shown")
        .doesNotContain("hidden");
  }

  @Test
  void everyLineNamesTheProcessThatWroteIt() throws Exception {
    LoggingSetup.configure(context, logDir, "INFO");
    context.getLogger("dev.comfyagent.runtime.x").info("one");
    context.getLogger("dev.comfyagent.runtime.x").warn("two");
    context.stop();

    List<String> lines = Files.readAllLines(logDir.resolve("runtime.log"));
    assertThat(lines).hasSize(2);
    ObjectMapper json = new ObjectMapper();
    for (String line : lines) {
      JsonNode node = json.readTree(line);
      assertThat(node.path("service.name").asText()).isEqualTo("agent-runtime");
      assertThat(node.path("service.instance.id").asText())
          .matches(".+-" + ProcessHandle.current().pid() + "-\\d{8}T\\d{9}Z");
      assertThat(node.path("formattedMessage").asText()).isIn("one", "two");
    }
  }

  @Test
  void aRuntimeStartingWhileAnotherWritesTheDirectoryWritesAFileOfItsOwn() throws Exception {
    // Another process's claim, as the operating system sees it: a lock on the claim file.
    try (FileChannel other =
            FileChannel.open(
                logDir.resolve(".runtime-log.lock"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock = other.lock()) {
      LoggingSetup.configure(context, logDir, "INFO");
      context.getLogger("dev.comfyagent.runtime.x").info("mine");
      context.stop();
    }

    assertThat(logDir.resolve("runtime.log")).doesNotExist();
    try (var files = Files.list(logDir)) {
      List<Path> logs = files.filter(f -> f.toString().endsWith(".log")).toList();
      assertThat(logs).hasSize(1);
      String name = logs.get(0).getFileName().toString();
      String instance =
          new ObjectMapper()
              .readTree(Files.readAllLines(logs.get(0)).get(0))
              .path("service.instance.id")
              .asText();
      assertThat(name).isEqualTo("runtime-" + instance.replaceAll("[^A-Za-z0-9._-]", "_") + ".log");
    }
  }

  @Test
  void createsAMissingLogDirectory() throws Exception {
    Path nested = logDir.resolve("a/b");

    LoggingSetup.prepare(nested);

    assertThat(Files.isDirectory(nested)).isTrue();
  }
}
