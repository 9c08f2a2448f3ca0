package dev.comfyagent.runtime.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.comfyagent.runtime.session.SessionFileException.Problem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SessionStoreTest {

  @TempDir Path dir;

  private final Clock clock = Clock.fixed(Instant.parse("2026-03-01T00:00:00Z"), ZoneOffset.UTC);

  private SessionStore store() {
    return new SessionStore(dir.resolve("sessions"), clock);
  }

  @Test
  void writesAndReadsBackEverything() {
    SessionStore store = store();
    StoredSession written = SessionFixtures.stored("shot_010", "a red fox");

    store.write(written);
    StoredSession read = store.read("shot_010");

    assertThat(read.name()).isEqualTo("shot_010");
    assertThat(read.created()).isEqualTo(written.created());
    assertThat(read.updated()).isEqualTo(written.updated());
    assertThat(read.snapshot().current()).isEqualTo(written.snapshot().current());
    assertThat(read.snapshot().base()).isEqualTo(written.snapshot().base());
    assertThat(read.snapshot().undo()).isEqualTo(written.snapshot().undo());
    assertThat(read.notes()).isEqualTo(written.notes());
  }

  @Test
  void writesAVersionedHumanReadableFile() throws IOException {
    store().write(SessionFixtures.stored("shot_010", "a red fox"));

    String text = Files.readString(dir.resolve("sessions/shot_010.json"));

    assertThat(text).contains("\"schema_version\" : 1").contains("\"undo\" : [");
    assertThat(text.lines().count()).isGreaterThan(10);
  }

  @Test
  void createsTheDirectoryOnlyWhenSaving() {
    SessionStore store = store();

    assertThat(store.list()).isEmpty();
    assertThat(Files.exists(dir.resolve("sessions"))).isFalse();

    store.write(SessionFixtures.stored("a", "x"));
    assertThat(Files.isDirectory(dir.resolve("sessions"))).isTrue();
  }

  @Test
  void refusesAFileFromANewerSchemaWithoutTouchingIt() throws IOException {
    Path file = writeRaw("future", "{\"schema_version\": 2, \"name\": \"future\"}");

    assertThatThrownBy(() -> store().read("future"))
        .isInstanceOf(SessionFileException.class)
        .satisfies(
            e -> assertThat(((SessionFileException) e).problem()).isEqualTo(Problem.NEWER_SCHEMA))
        .hasMessageContaining(
            "written by a newer comfy-agent (schema_version 2; this runtime reads up to 1)")
        .hasMessageContaining("left as it is");
    assertThat(Files.readString(file)).isEqualTo("{\"schema_version\": 2, \"name\": \"future\"}");
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"schema_version\": 1, \"created\": | is not valid JSON (line 1, column",
        "[1, 2] | is not a JSON object",
        "{\"name\": \"x\"} | has no schema_version",
        "{\"schema_version\": 0} | which never existed",
        "{\"schema_version\": 1, \"created\": \"yesterday\", \"updated\": \"2026-01-01T00:00:00Z\"} | not an ISO-8601 instant",
        "{\"schema_version\": 1, \"created\": \"2026-01-01T00:00:00Z\", \"updated\": \"2026-01-01T00:00:00Z\", \"workflow\": [1]} | not a workflow object",
        "{\"schema_version\": 1, \"created\": \"2026-01-01T00:00:00Z\", \"updated\": \"2026-01-01T00:00:00Z\", \"undo\": {}} | 'undo' that is not a list",
        "{\"schema_version\": 1, \"created\": \"2026-01-01T00:00:00Z\", \"updated\": \"2026-01-01T00:00:00Z\", \"notes\": [{\"at\": \"2026-01-01T00:00:00Z\"}]} | note 0 without text"
      })
  void reportsACorruptFileClearly(String content, String problem) throws IOException {
    writeRaw("broken", content);

    assertThatThrownBy(() -> store().read("broken"))
        .isInstanceOf(SessionFileException.class)
        .satisfies(e -> assertThat(((SessionFileException) e).problem()).isEqualTo(Problem.CORRUPT))
        .hasMessageContaining("broken.json")
        .hasMessageContaining(problem);
  }

  @Test
  void namesTheSavedSessionsWhenOneIsMissing() {
    SessionStore store = store();
    store.write(SessionFixtures.stored("hero", "x"));
    store.write(SessionFixtures.stored("villain", "y"));

    assertThatThrownBy(() -> store.read("sidekick"))
        .isInstanceOf(SessionFileException.class)
        .hasMessageEndingWith("; saved sessions: hero, villain");
  }

  @Test
  void listsSessionsNewestFirstWithUnreadableOnesExplained() throws IOException {
    SessionStore store = store();
    store.write(SessionFixtures.stored("old", "x"));
    StoredSession newer = SessionFixtures.stored("new", "y");
    store.write(
        new StoredSession(
            "new",
            newer.created(),
            Instant.parse("2026-02-01T00:00:00Z"),
            newer.snapshot(),
            newer.notes()));
    writeRaw("broken", "{");
    writeRaw(".new.json.abc123.tmp", "half");
    Files.writeString(dir.resolve("sessions/not a session!.json"), "{}");

    var listings = store.list();

    assertThat(listings)
        .extracting(SessionStore.Listing::name)
        .containsExactly("new", "old", "broken");
    assertThat(listings.get(0).session().orElseThrow().nodeCount()).isEqualTo(2);
    assertThat(listings.get(2).problem()).contains("is not valid JSON");
  }

  @Test
  void removesStaleTemporaryFilesLeftByACrashButNotFreshOnes() throws IOException {
    Path stale = writeRaw(".a.json.1.tmp", "old crash");
    Files.setLastModifiedTime(stale, FileTime.from(Instant.parse("2026-02-28T23:59:00Z")));
    Path fresh = writeRaw(".b.json.2.tmp", "someone writing now");
    Files.setLastModifiedTime(fresh, FileTime.from(Instant.parse("2026-02-28T23:59:58Z")));

    store().write(SessionFixtures.stored("a", "x"));

    assertThat(Files.exists(stale)).isFalse();
    assertThat(Files.exists(fresh)).isTrue();
  }

  @Test
  void removesOrphanedTemporaryFilesAtStartButLeavesOtherFilesAlone() throws IOException {
    Path orphan = writeRaw(".shot.json.9f3a.tmp", "half a session, its writer was killed");
    Files.setLastModifiedTime(orphan, FileTime.from(Instant.parse("2026-02-28T23:00:00Z")));
    Path notOurs = writeRaw(".notes.txt.1.tmp", "some other program's temporary file");
    Files.setLastModifiedTime(notOurs, FileTime.from(Instant.parse("2026-02-28T23:00:00Z")));

    store();

    assertThat(Files.exists(orphan)).as("removed by creating a store, before any save").isFalse();
    assertThat(Files.exists(notOurs)).isTrue();
  }

  @Test
  void leavesATemporaryFileAloneWhileAnotherSaverHoldsTheDirectoryLock() throws Exception {
    Path orphan = writeRaw(".shot.json.9f3a.tmp", "a save in progress elsewhere");
    Files.setLastModifiedTime(orphan, FileTime.from(Instant.parse("2026-02-28T23:00:00Z")));
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread saver =
        new Thread(
            () -> {
              try {
                SessionDirectoryLock.of(dir.resolve("sessions").toAbsolutePath().normalize())
                    .run(
                        () -> {
                          holding.countDown();
                          try {
                            release.await();
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                          }
                          return null;
                        });
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    saver.start();
    holding.await();
    try {
      store();
      assertThat(Files.exists(orphan)).as("kept: its writer may be the lock's holder").isTrue();
    } finally {
      release.countDown();
      saver.join();
    }
  }

  @Test
  void replacingASessionLeavesOnlyTheNewFile() throws IOException {
    SessionStore store = store();
    store.write(SessionFixtures.stored("a", "first"));
    store.write(SessionFixtures.stored("a", "second"));

    assertThat(store.read("a").notes().get(0).text()).isEqualTo("client wants second");
    try (Stream<Path> files = Files.list(dir.resolve("sessions"))) {
      assertThat(
              files
                  .map(p -> p.getFileName().toString())
                  .filter(name -> !name.equals(SessionDirectoryLock.FILE_NAME)))
          .containsExactly("a.json");
    }
  }

  @Test
  void rejectsAnInvalidNameBeforeTouchingTheDisk() {
    assertThatThrownBy(() -> store().read("../outside"))
        .hasMessageStartingWith("invalid session name '../outside'");
  }

  @Test
  void reportsADirectoryItCannotWriteTo() throws IOException {
    Path blocker = dir.resolve("file-not-dir");
    Files.writeString(blocker, "x");
    SessionStore store = new SessionStore(blocker.resolve("sessions"), clock);

    assertThatThrownBy(() -> store.write(SessionFixtures.stored("a", "x")))
        .isInstanceOf(SessionFileException.class)
        .hasMessageContaining("cannot save session 'a'")
        .hasMessageContaining("set SESSIONS_DIR to a writable directory");
  }

  private Path writeRaw(String name, String content) throws IOException {
    Path sessions = dir.resolve("sessions");
    Files.createDirectories(sessions);
    Path file = sessions.resolve(name.endsWith(".tmp") ? name : name + ".json");
    Files.writeString(file, content);
    return file;
  }
}
