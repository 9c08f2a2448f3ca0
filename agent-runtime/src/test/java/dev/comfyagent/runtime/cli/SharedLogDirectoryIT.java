package dev.comfyagent.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two packaged runtimes sharing one {@code LOG_DIR}, as containers mounting one {@code ./logs} do:
 * each writes a log file of its own (the first {@code runtime.log}, the other {@code
 * runtime-<instance>.log}), and every line names the process that wrote it.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SharedLogDirectoryIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void twoRuntimesSharingALogDirectoryEachWriteTheirOwnFileNamingThemselves() throws Exception {
    Path jar =
        Path.of(System.getProperty("runtime.jar", "target/agent-runtime.jar")).toAbsolutePath();
    Path logs = dir.resolve("logs");
    Process first = start(jar, logs, "first");
    try (BufferedReader out = reader(first);
        OutputStream in = first.getOutputStream()) {
      initialize(in, out);
      // The first holds the log directory while the second starts, writes and exits.
      Process second = start(jar, logs, "second");
      try (BufferedReader out2 = reader(second);
          OutputStream in2 = second.getOutputStream()) {
        initialize(in2, out2);
      }
      assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();

    List<Path> files;
    try (Stream<Path> list = Files.list(logs)) {
      files = list.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList();
    }
    assertThat(files)
        .extracting(f -> f.getFileName().toString())
        .hasSize(2)
        .contains("runtime.log");
    Set<String> instances = new HashSet<>();
    for (Path file : files) {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      assertThat(lines).as(file + " has the start line").isNotEmpty();
      Set<String> inFile = new HashSet<>();
      for (String line : lines) {
        JsonNode node = JSON.readTree(line);
        assertThat(node.path("service.name").asText()).isEqualTo("agent-runtime");
        inFile.add(node.path("service.instance.id").asText());
      }
      assertThat(inFile).as("one process per file: " + file).hasSize(1);
      String instance = inFile.iterator().next();
      assertThat(instance).matches(".+-\\d+-\\d{8}T\\d{9}Z");
      if (!file.getFileName().toString().equals("runtime.log")) {
        assertThat(file.getFileName().toString())
            .isEqualTo("runtime-" + instance.replaceAll("[^A-Za-z0-9._-]", "_") + ".log");
      }
      instances.add(instance);
    }
    assertThat(instances).as("two processes, two identities").hasSize(2);
  }

  private Process start(Path jar, Path logs, String name) throws IOException {
    List<String> command =
        new ArrayList<>(List.of(javaExecutable(), "-jar", jar.toString(), "serve"));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("LOG_DIR", logs.toString());
    builder.environment().put("SESSIONS_DIR", dir.resolve("sessions-" + name).toString());
    builder.environment().put("COMFYUI_PORT", "9");
    builder.redirectError(dir.resolve(name + ".stderr").toFile());
    return builder.start();
  }

  private static BufferedReader reader(Process process) {
    return new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  private static void initialize(OutputStream in, BufferedReader out) throws IOException {
    in.write(
        ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"it\",\"version\":"
                + "\"1\"}}}\n")
            .getBytes(StandardCharsets.UTF_8));
    in.flush();
    assertThat(out.readLine()).contains("\"id\":1").contains("serverInfo");
  }

  private static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
