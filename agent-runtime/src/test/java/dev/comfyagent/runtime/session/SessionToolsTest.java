package dev.comfyagent.runtime.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.tool.InvalidArgumentException;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolException;
import dev.comfyagent.runtime.tool.ToolResult;
import dev.comfyagent.runtime.workflow.Workflow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionToolsTest {

  private static final ToolContext A = ToolContext.detached("connection-a");
  private static final ToolContext B = ToolContext.detached("connection-b");

  @TempDir Path dir;

  private final SessionRegistry sessions = new SessionRegistry(50);
  private SessionStore store;
  private Map<String, Tool> tools;

  @org.junit.jupiter.api.BeforeEach
  void setUp() {
    store =
        new SessionStore(
            dir.resolve("sessions"),
            Clock.fixed(Instant.parse("2026-05-01T12:00:00Z"), ZoneOffset.UTC));
    tools =
        SessionTools.create(sessions, store).stream().collect(Collectors.toMap(Tool::name, t -> t));
  }

  @Test
  void offersTheFourSessionTools() {
    assertThat(tools.keySet())
        .containsExactlyInAnyOrder("save_session", "load_session", "list_sessions", "add_note");
    assertThat(tools.get("list_sessions").readOnly()).isTrue();
    assertThat(tools.get("save_session").readOnly()).isFalse();
  }

  @Test
  void savesTheCurrentSessionAndLoadsItBackInAnotherConnection() {
    loadWorkflow(A, "a red fox");
    call(A, "add_note", "{\"text\": \"client wants the fox redder\"}");

    ToolResult saved = call(A, "save_session", "{\"name\": \"shot_010\"}");
    ToolResult loaded = call(B, "load_session", "{\"name\": \"shot_010\"}");

    assertThat(saved.text())
        .isEqualTo(
            "Saved session 'shot_010' (2 nodes, undo depth 0, 1 note) to "
                + dir.resolve("sessions/shot_010.json")
                + ".");
    assertThat(loaded.text())
        .startsWith("Loaded session 'shot_010' (saved 2026-05-01T12:00:00Z, 2 nodes")
        .contains("- [2026-05-01T12:00:00Z] client wants the fox redder");
    assertThat(sessions.current("connection-b").workflow().requireCurrent().apiJson())
        .isEqualTo(SessionFixtures.workflow("a red fox"));
  }

  @Test
  void savingAgainUnderTheSameNameNeedsNoName() {
    loadWorkflow(A, "fox");
    call(A, "save_session", "{\"name\": \"hero\"}");
    call(A, "add_note", "{\"text\": \"second thought\"}");

    ToolResult again = call(A, "save_session", "{}");

    assertThat(again.text()).startsWith("Saved session 'hero' (2 nodes, undo depth 0, 1 note)");
    assertThat(store.read("hero").notes()).hasSize(1);
  }

  @Test
  void aFirstSaveNeedsAName() {
    assertThatThrownBy(() -> call(A, "save_session", "{}"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageStartingWith("argument 'name' is required");
  }

  @Test
  void refusesToReplaceAnotherSessionWithoutOverwrite() {
    store.write(SessionFixtures.stored("hero", "the original"));
    loadWorkflow(A, "something else");

    assertThatThrownBy(() -> call(A, "save_session", "{\"name\": \"hero\"}"))
        .isInstanceOf(ToolException.class)
        .hasMessage(
            "a session named 'hero' already exists (saved 2026-01-02T11:30:00Z by "
                + SessionStore.WRITER
                + ", 2 nodes, 1 notes); pass overwrite: true to replace it, or choose another name");
    assertThat(store.read("hero").notes().get(0).text()).isEqualTo("client wants the original");

    call(A, "save_session", "{\"name\": \"hero\", \"overwrite\": true}");
    assertThat(store.read("hero").snapshot().current())
        .isEqualTo(SessionFixtures.workflow("something else"));
  }

  @Test
  void neverSavesSilentlyOverAFileItCannotRead() throws IOException {
    Path file = dir.resolve("sessions/hero.json");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "{\"schema_version\": 7}");
    loadWorkflow(A, "fox");
    call(A, "save_session", "{\"name\": \"other\"}");

    assertThatThrownBy(() -> call(A, "save_session", "{\"name\": \"hero\"}"))
        .isInstanceOf(ToolException.class)
        .hasMessageContaining("cannot save over session 'hero'")
        .hasMessageContaining("newer comfy-agent")
        .hasMessageContaining("Pass overwrite: true to replace it anyway");
    assertThat(Files.readString(file)).isEqualTo("{\"schema_version\": 7}");
  }

  @Test
  void rejectsASessionNameWithPathCharacters() {
    loadWorkflow(A, "fox");

    assertThatThrownBy(() -> call(A, "save_session", "{\"name\": \"../../etc/passwd\"}"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("path character");
    assertThat(Files.exists(dir.resolve("sessions"))).isFalse();
  }

  @Test
  void loadRefusesToDropUnsavedChangesUnlessAsked() {
    store.write(SessionFixtures.stored("hero", "fox"));
    call(A, "add_note", "{\"text\": \"unsaved thought\"}");

    assertThatThrownBy(() -> call(A, "load_session", "{\"name\": \"hero\"}"))
        .isInstanceOf(ToolException.class)
        .hasMessage(
            "This connection's unsaved session has unsaved changes; save_session first, or call"
                + " load_session with discard_unsaved: true to drop them");

    ToolResult loaded = call(A, "load_session", "{\"name\": \"hero\", \"discard_unsaved\": true}");
    assertThat(loaded.isError()).isFalse();
    assertThat(sessions.current("connection-a").name()).contains("hero");
  }

  @Test
  void loadNamesTheSavedSessionsWhenTheNameIsUnknown() {
    store.write(SessionFixtures.stored("hero", "fox"));

    assertThatThrownBy(() -> call(A, "load_session", "{\"name\": \"heroo\"}"))
        .isInstanceOf(SessionFileException.class)
        .hasMessageEndingWith("saved sessions: hero");
  }

  @Test
  void loadReportsAWorkflowThatCannotBeUsed() throws IOException {
    Path file = dir.resolve("sessions/bad.json");
    Files.createDirectories(file.getParent());
    Files.writeString(
        file,
        "{\"schema_version\": 1, \"created\": \"2026-01-01T00:00:00Z\", \"updated\":"
            + " \"2026-01-01T00:00:00Z\", \"workflow\": {\"1\": {\"inputs\": {}}}}");

    assertThatThrownBy(() -> call(A, "load_session", "{\"name\": \"bad\"}"))
        .isInstanceOf(ToolException.class)
        .hasMessageContaining("holds a workflow that cannot be used: node 1 has no class_type");
  }

  @Test
  void loadSharesASessionAnotherConnectionIsEditing() {
    loadWorkflow(A, "fox");
    call(A, "save_session", "{\"name\": \"hero\"}");
    call(A, "add_note", "{\"text\": \"work in progress\"}");

    ToolResult shared = call(B, "load_session", "{\"name\": \"hero\"}");

    assertThat(shared.text()).startsWith("Session 'hero' is open in another connection");
    assertThat(sessions.current("connection-b")).isSameAs(sessions.current("connection-a"));
  }

  @Test
  void listsSessionsWithTheirSizeAndTheCurrentOne() throws IOException {
    store.write(SessionFixtures.stored("villain", "wolf"));
    loadWorkflow(A, "fox");
    call(A, "save_session", "{\"name\": \"hero\"}");
    Files.writeString(dir.resolve("sessions/broken.json"), "{");

    ToolResult list = call(A, "list_sessions", "{}");

    assertThat(list.text())
        .startsWith("3 saved sessions in " + dir.resolve("sessions") + ":")
        .contains("- hero: saved 2026-05-01T12:00:00Z, 2 nodes, 0 notes (current)")
        .contains("- villain: saved 2026-01-02T11:30:00Z, 2 nodes, 1 note")
        .contains("- broken: cannot be read:");
    assertThat(list.structuredContent().path("sessions").get(0).path("current").asBoolean())
        .isTrue();
  }

  @Test
  void listSaysWhenThereAreNoSessions() {
    assertThat(call(A, "list_sessions", "{}").text())
        .isEqualTo(
            "No saved sessions in "
                + dir.resolve("sessions")
                + " yet; save_session stores the current one.");
  }

  @Test
  void addNoteSaysWhereTheNoteWent() {
    assertThat(call(A, "add_note", "{\"text\": \"first\"}").text())
        .isEqualTo(
            "Noted in this connection's unsaved session (1 note) at 2026-05-01T12:00:00Z;"
                + " save_session with a name keeps it.");
    loadWorkflow(A, "fox");
    call(A, "save_session", "{\"name\": \"hero\"}");
    assertThat(call(A, "add_note", "{\"text\": \"second\"}").text())
        .startsWith("Noted in session 'hero' (2 notes)");
  }

  /** A second runtime sharing the sessions directory: its own registry, store and tools. */
  private Map<String, Tool> otherRuntime(SessionRegistry itsSessions) {
    SessionStore itsStore =
        new SessionStore(
            dir.resolve("sessions"),
            Clock.fixed(Instant.parse("2026-05-01T12:30:00Z"), ZoneOffset.UTC));
    return SessionTools.create(itsSessions, itsStore).stream()
        .collect(Collectors.toMap(Tool::name, t -> t));
  }

  @Test
  void aSaveOverASessionSomeoneElseSavedSinceThisConnectionLoadedItIsRefusedSayingWhoAndWhen() {
    loadWorkflow(A, "a red fox");
    call(A, "save_session", "{\"name\": \"shot_010\"}");
    SessionRegistry theirSessions = new SessionRegistry(50);
    Map<String, Tool> theirs = otherRuntime(theirSessions);
    theirs.get("load_session").call(SessionFixtures.json("{\"name\": \"shot_010\"}"), B);
    theirs.get("add_note").call(SessionFixtures.json("{\"text\": \"their work\"}"), B);
    theirs.get("save_session").call(SessionFixtures.json("{}"), B);
    call(A, "add_note", "{\"text\": \"my work\"}");

    assertThatThrownBy(() -> call(A, "save_session", "{}"))
        .isInstanceOf(ToolException.class)
        .hasMessageStartingWith(
            "session 'shot_010' was changed on disk since this connection loaded or last saved"
                + " it: it was saved 2026-05-01T12:30:00Z by "
                + SessionStore.WRITER
                + " (2 nodes, 1 notes).")
        .hasMessageContaining("nothing was written")
        .hasMessageContaining("overwrite: true");
    assertThat(store.read("shot_010").notes())
        .extracting(SessionNote::text)
        .containsExactly("their work");

    call(A, "save_session", "{\"overwrite\": true}");
    assertThat(store.read("shot_010").notes())
        .extracting(SessionNote::text)
        .containsExactly("my work");
  }

  @Test
  void savingAgainAfterOwnSavesNeedsNoOverwrite() {
    loadWorkflow(A, "fox");
    call(A, "save_session", "{\"name\": \"hero\"}");
    call(A, "add_note", "{\"text\": \"one\"}");
    call(A, "save_session", "{}");
    call(A, "add_note", "{\"text\": \"two\"}");

    assertThat(call(A, "save_session", "{}").structuredContent().path("revision").asText())
        .isEqualTo(store.read("hero").revision());
    assertThat(store.read("hero").notes()).hasSize(2);
  }

  @Test
  void twoRuntimesCreatingTheSameSessionAtOnceLetExactlyOneWin() throws Exception {
    for (int race = 0; race < 30; race++) {
      String name = "race_" + race;
      SessionRegistry mine = new SessionRegistry(50);
      SessionRegistry theirs = new SessionRegistry(50);
      Map<String, Tool> myTools =
          SessionTools.create(mine, new SessionStore(dir.resolve("sessions"), Clock.systemUTC()))
              .stream()
              .collect(Collectors.toMap(Tool::name, t -> t));
      Map<String, Tool> theirTools = otherRuntime(theirs);
      mine.current("a").workflow().load(Workflow.ofApi(SessionFixtures.workflow("mine")));
      theirs.current("b").workflow().load(Workflow.ofApi(SessionFixtures.workflow("theirs")));
      java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
      java.util.concurrent.Callable<String> mySave =
          () -> save(start, myTools, name, ToolContext.detached("a"));
      java.util.concurrent.Callable<String> theirSave =
          () -> save(start, theirTools, name, ToolContext.detached("b"));
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(2);
      try {
        var outcomes = pool.invokeAll(java.util.List.of(mySave, theirSave));
        java.util.List<String> answers = new java.util.ArrayList<>();
        for (var outcome : outcomes) {
          answers.add(outcome.get());
        }
        assertThat(answers).as("race %d", race).filteredOn(a -> a.startsWith("Saved")).hasSize(1);
        assertThat(answers)
            .as("race %d", race)
            .filteredOn(a -> a.startsWith("a session named '" + name + "' already exists"))
            .hasSize(1);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  private static String save(
      java.util.concurrent.CyclicBarrier start,
      Map<String, Tool> tools,
      String name,
      ToolContext context)
      throws Exception {
    start.await();
    try {
      return tools
          .get("save_session")
          .call(SessionFixtures.json("{\"name\": \"" + name + "\"}"), context)
          .text();
    } catch (ToolException e) {
      return e.getMessage();
    }
  }

  private void loadWorkflow(ToolContext context, String prompt) {
    sessions
        .current(context.connectionId())
        .workflow()
        .load(Workflow.ofApi(SessionFixtures.workflow(prompt)));
  }

  private ToolResult call(ToolContext context, String tool, String arguments) {
    ObjectNode args = SessionFixtures.json(arguments);
    return tools.get(tool).call(args, context);
  }
}
