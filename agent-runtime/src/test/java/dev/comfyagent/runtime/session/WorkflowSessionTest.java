package dev.comfyagent.runtime.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.comfyagent.runtime.tool.InvalidArgumentException;
import dev.comfyagent.runtime.workflow.Workflow;
import dev.comfyagent.runtime.workflow.WorkflowState;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WorkflowSessionTest {

  private final Instant now = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void anEmptyScratchSessionHasNothingToLose() {
    assertThat(new WorkflowSession(null, new WorkflowState(5)).hasUnsavedChanges()).isFalse();
  }

  @Test
  void anUneditedLoadedWorkflowHasNothingToLose() {
    WorkflowSession session =
        new WorkflowSession(null, SessionFixtures.loaded(SessionFixtures.workflow("fox")));

    assertThat(session.hasUnsavedChanges()).isFalse();
  }

  @Test
  void aNoteIsAnUnsavedChangeUntilSaved() {
    WorkflowSession session = new WorkflowSession(null, new WorkflowState(5), now);

    SessionNote note = session.addNote("  seed 42 was the keeper  ", now.plusSeconds(60));

    assertThat(note.text()).isEqualTo("seed 42 was the keeper");
    assertThat(session.updated()).isEqualTo(now.plusSeconds(60));
    assertThat(session.hasUnsavedChanges()).isTrue();
    session.markSaved("hero", session.toStored("hero", now.plusSeconds(61)).written("r1", "test"));
    assertThat(session.hasUnsavedChanges()).isFalse();
    assertThat(session.name()).contains("hero");
  }

  @Test
  void aWorkflowDifferentFromTheSavedOneIsAnUnsavedChange() {
    WorkflowState state = SessionFixtures.loaded(SessionFixtures.workflow("fox"));
    WorkflowSession session = new WorkflowSession("hero", state);
    session.markSaved("hero", session.toStored("hero", now).written("r1", "test"));

    state.load(Workflow.ofApi(SessionFixtures.workflow("wolf")));

    assertThat(session.hasUnsavedChanges()).isTrue();
  }

  @Test
  void rejectsBlankAndOverlongNotes() {
    WorkflowSession session = new WorkflowSession(null, new WorkflowState(5));

    assertThatThrownBy(() -> session.addNote("   ", now))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage("a note needs some text");
    assertThatThrownBy(() -> session.addNote("x".repeat(10_001), now))
        .hasMessage("a note is at most 10000 characters; this one has 10001");
  }

  @Test
  void takesNotesUpToTheLimitsAndNotOneMore() {
    WorkflowSession session = new WorkflowSession(null, new WorkflowState(5));

    session.addNote("x".repeat(WorkflowSession.MAX_NOTE_LENGTH), now);
    for (int i = 1; i < WorkflowSession.MAX_NOTES; i++) {
      session.addNote("note " + i, now);
    }

    assertThat(session.notes()).hasSize(WorkflowSession.MAX_NOTES);
    assertThatThrownBy(() -> session.addNote("one more", now))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage("this session already has 1000 notes; start a new session");
    assertThat(session.notes()).hasSize(WorkflowSession.MAX_NOTES);
  }

  @Test
  void keepsCreationTimeAndNotesWhenRestored() {
    StoredSession stored = SessionFixtures.stored("hero", "fox");

    WorkflowSession session =
        WorkflowSession.restored(stored, WorkflowState.restore(stored.snapshot(), 50));

    assertThat(session.created()).isEqualTo(stored.created());
    assertThat(session.updated()).isEqualTo(stored.updated());
    assertThat(session.notes()).isEqualTo(stored.notes());
    assertThat(session.nodeCount()).isEqualTo(2);
    assertThat(session.hasUnsavedChanges()).isFalse();
    assertThat(session.describe()).isEqualTo("session 'hero'");
  }
}
