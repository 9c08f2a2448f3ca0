package dev.comfyagent.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
  void createsAMissingLogDirectory() throws Exception {
    Path nested = logDir.resolve("a/b");

    LoggingSetup.prepare(nested);

    assertThat(Files.isDirectory(nested)).isTrue();
  }
}
