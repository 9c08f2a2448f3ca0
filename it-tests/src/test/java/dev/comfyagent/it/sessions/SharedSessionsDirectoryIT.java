package dev.comfyagent.it.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfyagent.it.harness.PackagedJars;
import dev.comfyagent.it.harness.RuntimeServer;
import dev.comfyagent.simulator.ComfyUiSimulator;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two packaged runtimes, two processes, sharing one {@code SESSIONS_DIR} as two MCP clients on one
 * machine would: creating the same session at the same moment lets exactly one of them win, a save
 * over a session the other one changed since it was loaded is refused naming that process, and a
 * runtime starting up removes the temporary files a killed save left.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharedSessionsDirectoryIT {

  private static final int RACES = 25;

  private ComfyUiSimulator comfy;
  private Path dir;
  private Path sessions;
  private RuntimeServer first;
  private RuntimeServer second;
  private ExecutorService pool;

  @BeforeAll
  void startTwoRuntimesOnOneSessionsDirectory() {
    comfy = ComfyUiSimulator.builder().port(0).start();
    dir = PackagedJars.workDir("shared-sessions");
    sessions = dir.resolve("shared-sessions");
    first =
        RuntimeServer.with(dir.resolve("first"), comfy)
            .env("SESSIONS_DIR", sessions.toString())
            .start();
    second =
        RuntimeServer.with(dir.resolve("second"), comfy)
            .env("SESSIONS_DIR", sessions.toString())
            .start();
    for (RuntimeServer runtime : List.of(first, second)) {
      CallToolResult loaded =
          runtime.call("load_workflow", Map.of("workflow", RuntimeServer.workflow()));
      assertThat(loaded.isError()).as(RuntimeServer.text(loaded)).isFalse();
    }
    pool = Executors.newFixedThreadPool(2);
  }

  @AfterAll
  void stop() {
    pool.shutdownNow();
    for (RuntimeServer runtime : new RuntimeServer[] {first, second}) {
      if (runtime != null) {
        runtime.close();
      }
    }
    comfy.close();
  }

  @Test
  void creatingTheSameSessionFromBothRuntimesAtOnceLetsExactlyOneWinEveryTime() throws Exception {
    for (int race = 0; race < RACES; race++) {
      String name = "race_" + race;
      CyclicBarrier together = new CyclicBarrier(2);
      Future<CallToolResult> a = pool.submit(save(first, name, together));
      Future<CallToolResult> b = pool.submit(save(second, name, together));
      List<CallToolResult> answers =
          List.of(a.get(60, TimeUnit.SECONDS), b.get(60, TimeUnit.SECONDS));

      List<String> saved = new ArrayList<>();
      List<String> refused = new ArrayList<>();
      for (CallToolResult answer : answers) {
        (answer.isError() ? refused : saved).add(RuntimeServer.text(answer));
      }
      assertThat(saved).as("race %d: %s", race, answers).hasSize(1);
      assertThat(refused)
          .as("race %d", race)
          .singleElement()
          .asString()
          .startsWith("a session named '" + name + "' already exists (saved ")
          .contains(" by pid ")
          .contains("pass overwrite: true");
    }
    try (var files = Files.list(sessions)) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")))
          .as("temporary files left")
          .isEmpty();
    }
  }

  @Test
  void aSaveOverWhatTheOtherRuntimeSavedSinceIsRefusedNamingItsProcess() {
    assertThat(first.call("save_session", Map.of("name", "shot_010", "overwrite", true)).isError())
        .isFalse();
    CallToolResult loaded = second.call("load_session", Map.of("name", "shot_010"));
    assertThat(loaded.isError()).as(RuntimeServer.text(loaded)).isFalse();
    second.call("add_note", Map.of("text", "work of the second runtime"));
    assertThat(second.call("save_session", Map.of()).isError()).isFalse();
    first.call("add_note", Map.of("text", "work of the first runtime"));

    CallToolResult refused = first.call("save_session", Map.of());

    assertThat(refused.isError()).isTrue();
    assertThat(RuntimeServer.text(refused))
        .startsWith("session 'shot_010' was changed on disk since this connection")
        .contains("by pid " + second.jvm().process().pid() + " on ")
        .contains("nothing was written")
        .contains("overwrite: true");
    CallToolResult theirs = second.call("load_session", Map.of("name", "shot_010"));
    assertThat(RuntimeServer.text(theirs)).contains("work of the second runtime");

    CallToolResult forced = first.call("save_session", Map.of("overwrite", true));
    assertThat(forced.isError()).as(RuntimeServer.text(forced)).isFalse();
  }

  @Test
  void aRuntimeStartingUpRemovesTheTemporaryFilesOfKilledSaves() throws Exception {
    Path orphanDir = Files.createDirectories(dir.resolve("orphans/sessions"));
    Path orphan = orphanDir.resolve(".shot.json.5f0c2a9e.tmp");
    Files.write(orphan, new byte[1 << 20]);
    Files.setLastModifiedTime(orphan, FileTime.from(Instant.now().minus(Duration.ofMinutes(5))));

    try (RuntimeServer third =
        RuntimeServer.with(dir.resolve("third"), comfy)
            .env("SESSIONS_DIR", orphanDir.toString())
            .start()) {
      assertThat(third.toolNames()).contains("save_session");
      assertThat(Files.exists(orphan)).as("the orphan, once the runtime answers").isFalse();
    }
  }

  private static Callable<CallToolResult> save(
      RuntimeServer runtime, String name, CyclicBarrier together) {
    return () -> {
      together.await(30, TimeUnit.SECONDS);
      return runtime.call("save_session", Map.of("name", name, "overwrite", false));
    };
  }
}
