package dev.comfyagent.runtime.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.workflow.Workflow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every way {@code load_session} can fail leaves the connection's current session as it was: the
 * same session, with the same workflow, base, undo history and notes.
 */
class LoadSessionFailuresTest {

  private static final ToolContext A = ToolContext.detached("connection-a");

  @TempDir Path dir;

  private final SessionRegistry sessions = new SessionRegistry(50);
  private Tool load;

  @BeforeEach
  void setUp() throws IOException {
    SessionStore store =
        new SessionStore(
            dir.resolve("sessions"),
            Clock.fixed(Instant.parse("2026-05-01T12:00:00Z"), ZoneOffset.UTC));
    load =
        SessionTools.create(sessions, store).stream()
            .filter(t -> t.name().equals("load_session"))
            .findFirst()
            .orElseThrow();
    Files.createDirectories(dir.resolve("sessions"));
    WorkflowSession current = sessions.current(A.connectionId());
    current.workflow().load(Workflow.ofApi(SessionFixtures.workflow("the fox")));
    current
        .workflow()
        .apply(
            dev.comfyagent.runtime.workflow.JsonPatch.parse(
                SessionFixtures.JSON.readTree(
                    "[{\"op\": \"replace\", \"path\": \"/6/inputs/text\", \"value\": \"a hare\"}]")),
            "apply_workflow_patch");
    current.addNote("keep the hare", Instant.parse("2026-05-01T11:00:00Z"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "unsaved changes|hero|{\"name\": \"hero\"}|has unsaved changes",
        "no such session|ghost|{\"name\": \"ghost\", \"discard_unsaved\": true}|no saved session named 'ghost'",
        "not JSON|hero|{\"name\": \"hero\", \"discard_unsaved\": true}|hero.json is not valid JSON",
        "newer schema|newer|{\"name\": \"newer\", \"discard_unsaved\": true}|written by a newer comfy-agent",
        "broken workflow|broken|{\"name\": \"broken\", \"discard_unsaved\": true}|node 1 has no class_type",
        "broken undo entry|badundo|{\"name\": \"badundo\", \"discard_unsaved\": true}|undo history entry 0",
        "bad name|x|{\"name\": \"../x\", \"discard_unsaved\": true}|path character",
      })
  void aFailedLoadKeepsTheCurrentSessionAsItWas(
      String why, String file, String arguments, String message) throws IOException {
    Files.writeString(dir.resolve("sessions/hero.json"), "{not json");
    Files.writeString(dir.resolve("sessions/newer.json"), "{\"schema_version\": 99}");
    Files.writeString(
        dir.resolve("sessions/broken.json"),
        "{\"schema_version\": 1, \"name\": \"broken\", \"created\": \"2026-01-01T00:00:00Z\","
            + " \"updated\": \"2026-01-01T00:00:00Z\", \"workflow\": {\"1\": {\"inputs\": {}}},"
            + " \"base\": null, \"undo\": [], \"notes\": []}");
    Files.writeString(
        dir.resolve("sessions/badundo.json"),
        "{\"schema_version\": 1, \"name\": \"badundo\", \"created\": \"2026-01-01T00:00:00Z\","
            + " \"updated\": \"2026-01-01T00:00:00Z\", \"workflow\": "
            + SessionFixtures.workflow("x")
            + ", \"base\": null, \"undo\": [{\"label\": \"l\", \"at\": \"yesterday\"}],"
            + " \"notes\": []}");
    WorkflowSession before = sessions.current(A.connectionId());
    Workflow workflow = before.workflow().requireCurrent();
    Workflow base = before.workflow().base().orElseThrow();
    var undo = before.workflow().undoHistory().entries();
    List<SessionNote> notes = before.notes();

    String answer;
    try {
      answer = load.call((ObjectNode) SessionFixtures.json(arguments), A).text();
    } catch (RuntimeException e) {
      answer = e.getMessage();
    }

    assertThat(answer).as(why).contains(message);
    WorkflowSession after = sessions.current(A.connectionId());
    assertThat(after).as("the current session after: " + why).isSameAs(before);
    assertThat(after.workflow().requireCurrent()).isSameAs(workflow);
    assertThat(after.workflow().base()).containsSame(base);
    assertThat(after.workflow().undoHistory().entries()).isEqualTo(undo).hasSize(1);
    assertThat(after.notes()).isEqualTo(notes);
    assertThat(sessions.openNames()).isEmpty();
  }
}
