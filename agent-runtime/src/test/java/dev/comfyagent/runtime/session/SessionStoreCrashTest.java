package dev.comfyagent.runtime.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfyagent.runtime.files.AtomicFileWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kills a JVM that is saving a session over and over (SIGKILL, no shutdown hooks) and checks that
 * the session file is always one whole version: the one saved before, or one the child finished.
 */
class SessionStoreCrashTest {

  private static final Logger log = LoggerFactory.getLogger(SessionStoreCrashTest.class);

  @TempDir Path dir;

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void aSessionFileSurvivesAKillDuringSaveSession() throws Exception {
    SessionStore store = new SessionStore(dir, Clock.systemUTC());
    store.write(SessionFixtures.stored("shot", "the original"));
    int killedMidWrite = 0;
    int rounds = 0;

    // At least 4 kills at random moments; more until two of them landed while a save was writing
    // its temporary file (the case this test is for), at most 20.
    while (rounds < 4 || (killedMidWrite < 2 && rounds < 20)) {
      Path started = dir.resolve("started-" + rounds);
      Process child = startChild(started, "loop");
      try {
        waitFor(started, child);
        Thread.sleep(ThreadLocalRandom.current().nextInt(20, 400));
      } finally {
        child.destroyForcibly();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child ended").isTrue();
      }
      rounds++;
      List<Path> leftovers = temporaryFiles().toList();
      if (!leftovers.isEmpty()) {
        killedMidWrite++;
      }

      StoredSession survivor = store.read("shot");
      assertWhole(survivor);
      // What the next save's sweep would do; here so each round counts only its own kill.
      for (Path leftover : leftovers) {
        Files.delete(leftover);
      }
    }
    log.info("{} of {} kills left a half-written temporary file behind", killedMidWrite, rounds);
    assertThat(killedMidWrite).as("kills that landed in the middle of a save").isPositive();
    assertThat(store.names()).containsExactly("shot");
    assertThat(store.list()).hasSize(1);
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void aKillInTheMiddleOfWritingLeavesThePreviousFileWhole() throws Exception {
    SessionStore store = new SessionStore(dir, Clock.systemUTC());
    store.write(SessionFixtures.stored("shot", "the original"));
    Path started = dir.resolve("half-written");
    Process child = startChild(started, "slow");
    try {
      waitFor(started, child);
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child ended").isTrue();
    }

    assertThat(temporaryFiles()).as("the half-written temporary file").hasSize(1);
    assertThat(store.read("shot").notes().get(0).text()).isEqualTo("client wants the original");
    assertThat(store.list()).extracting(SessionStore.Listing::name).containsExactly("shot");
  }

  /** One version, not a mix: the note and every node say the same version. */
  private static void assertWhole(StoredSession session) {
    assertThat(session.notes()).hasSize(1);
    String note = session.notes().get(0).text();
    if (note.equals("client wants the original")) {
      assertThat(session.nodeCount()).isEqualTo(2);
      return;
    }
    assertThat(note).matches("version \\d+");
    assertThat(session.nodeCount()).isEqualTo(SessionSaveLoop.NODES);
    for (JsonNode node : session.snapshot().current()) {
      assertThat(node.path("inputs").path("text").asText()).startsWith(note + " ");
    }
  }

  private Process startChild(Path started, String mode) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
            List.of(
                java,
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                SessionSaveLoop.class.getName(),
                dir.toString(),
                "shot",
                started.toString(),
                mode));
    builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.redirectError(dir.resolve("child-" + Instant.now().toEpochMilli() + ".log").toFile());
    return builder.start();
  }

  private static void waitFor(Path started, Process child) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!Files.exists(started)) {
      assertThat(child.isAlive()).as("the child is still running").isTrue();
      assertThat(System.nanoTime()).as("the child started saving in time").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private Stream<Path> temporaryFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> AtomicFileWriter.isTemporary(p.getFileName().toString()))
          .toList()
          .stream();
    }
  }
}
