package dev.comfyagent.runtime.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.comfyagent.runtime.workflow.Workflow;
import dev.comfyagent.runtime.workflow.WorkflowState;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SessionRegistryTest {

  private final SessionRegistry sessions = new SessionRegistry(50, 2);

  @Test
  void givesEachConnectionItsOwnScratchSession() {
    WorkflowSession a = sessions.current("a");
    WorkflowSession b = sessions.current("b");

    assertThat(a).isNotSameAs(b);
    assertThat(sessions.current("a")).isSameAs(a);
    assertThat(a.name()).isEmpty();
    assertThat(a.workflow().undoHistory().limit()).isEqualTo(50);
    assertThat(sessions.size()).isEqualTo(2);
  }

  @Test
  void openingANamedSessionClosesTheScratchSessionItReplaces() {
    sessions.current("a");

    sessions.openNamedSession("a", named("hero"));

    assertThat(sessions.current("a").name()).contains("hero");
    assertThat(sessions.size()).isEqualTo(1);
  }

  @Test
  void keepsANamedSessionOpenAfterItsConnectionCloses() {
    WorkflowSession hero = sessions.openNamedSession("a", named("hero"));

    sessions.closeConnection("a");

    assertThat(sessions.findOpen("hero")).containsSame(hero);
    assertThat(sessions.size()).isEqualTo(1);
  }

  @Test
  void closesTheScratchSessionOfAClosedConnection() {
    sessions.current("a");
    sessions.current("b");

    sessions.closeConnection("a");

    assertThat(sessions.size()).isEqualTo(1);
  }

  @Test
  void sharesAnOpenNamedSessionBetweenConnections() {
    WorkflowSession hero = sessions.openNamedSession("a", named("hero"));

    assertThat(sessions.openSharedSession("b", "hero")).containsSame(hero);
    assertThat(sessions.current("b")).isSameAs(hero);
    assertThat(sessions.size()).isEqualTo(1);
    assertThat(sessions.openSharedSession("b", "nobody")).isEmpty();
  }

  @Test
  void aFreshLoadReplacesTheOpenSessionOfThatNameForEveryConnection() {
    WorkflowSession old = sessions.openNamedSession("a", named("hero"));
    sessions.openSharedSession("b", "hero");

    WorkflowSession fresh = sessions.openNamedSession("a", named("hero"));

    assertThat(fresh).isNotSameAs(old);
    assertThat(sessions.current("b")).isSameAs(fresh);
    assertThat(sessions.size()).isEqualTo(1);
  }

  @Test
  void closesTheLeastRecentlyUsedCleanSessionBeyondTheBound() {
    sessions.openNamedSession("a", named("one"));
    sessions.openNamedSession("a", named("two"));
    sessions.findOpen("one");

    sessions.openNamedSession("a", named("three"));

    assertThat(sessions.openNames()).containsExactly("one", "three");
    assertThat(sessions.size()).isEqualTo(2);
  }

  @Test
  void neverClosesASessionWithUnsavedChangesToKeepTheBound() {
    WorkflowSession one = sessions.openNamedSession("a", named("one"));
    one.addNote("not saved yet", Instant.now());
    sessions.openNamedSession("a", named("two"));

    sessions.openNamedSession("a", named("three"));

    assertThat(sessions.openNames()).contains("one", "three").doesNotContain("two");
  }

  @Test
  void namingTheCurrentSessionHoldsItUnderThatNameOnly() {
    WorkflowSession scratch = sessions.current("a");

    sessions.nameSession("a", scratch, "draft");
    sessions.nameSession("a", scratch, "final");

    assertThat(sessions.openNames()).containsExactly("final");
    assertThat(sessions.current("a")).isSameAs(scratch);
    assertThat(sessions.size()).isEqualTo(1);
  }

  @Test
  void closingANamedSessionGivesItsConnectionsAFreshScratchSession() {
    WorkflowSession hero = sessions.openNamedSession("a", named("hero"));

    assertThat(sessions.closeSession("hero")).isTrue();

    assertThat(sessions.current("a")).isNotSameAs(hero);
    assertThat(sessions.current("a").name()).isEmpty();
    assertThat(sessions.closeSession("hero")).isFalse();
    assertThat(sessions.size()).isEqualTo(1);
  }

  @Test
  void closeAllLeavesNothingOpen() {
    sessions.current("a");
    sessions.openNamedSession("b", named("hero"));

    sessions.closeAll();

    assertThat(sessions.size()).isZero();
    assertThat(sessions.openNames()).isEmpty();
  }

  @Test
  void onlyNamedSessionsOpenByName() {
    assertThatThrownBy(
            () -> sessions.openNamedSession("a", new WorkflowSession(null, new WorkflowState(5))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsBoundsBelowOne() {
    assertThatThrownBy(() -> new SessionRegistry(0)).hasMessageContaining("undo limit");
    assertThatThrownBy(() -> new SessionRegistry(5, 0)).hasMessageContaining("named session");
  }

  @Test
  void acceptsBoundsOfOne() {
    SessionRegistry smallest = new SessionRegistry(1, 1);

    assertThat(smallest.undoLimit()).isEqualTo(1);
    assertThat(smallest.maxOpenNamed()).isEqualTo(1);
    assertThat(smallest.currentWorkflow("a").undoHistory().limit()).isEqualTo(1);
  }

  @Test
  void savingUnderTheNameOfAnotherOpenSessionClosesThatOneForEveryConnection() {
    WorkflowSession old = sessions.openNamedSession("a", named("hero"));
    WorkflowSession scratch = sessions.current("b");
    assertThat(sessions.size()).isEqualTo(2);

    sessions.nameSession("b", scratch, "hero");

    assertThat(sessions.findOpen("hero")).containsSame(scratch);
    assertThat(sessions.current("a")).isSameAs(scratch).isNotSameAs(old);
    assertThat(sessions.size()).isEqualTo(1);
  }

  @Test
  void namingASessionBeyondTheBoundClosesTheLeastRecentlyUsedCleanOne() {
    sessions.openNamedSession("x", named("one"));
    sessions.openNamedSession("x", named("two"));
    sessions.closeConnection("x");
    WorkflowSession scratch = sessions.current("a");

    sessions.nameSession("a", scratch, "three");

    assertThat(sessions.openNames()).containsExactly("two", "three");
    assertThat(sessions.size()).isEqualTo(2);
  }

  @Test
  void aNamedSessionInUseIsClosedForTheBoundOnceItsConnectionCloses() {
    sessions.openNamedSession("a", named("one"));
    sessions.openNamedSession("b", named("two"));
    sessions.openNamedSession("c", named("three"));
    assertThat(sessions.openNames()).hasSize(3);

    sessions.closeConnection("a");

    assertThat(sessions.openNames()).containsExactly("two", "three");
    assertThat(sessions.size()).isEqualTo(2);
  }

  @Test
  void sharingANamedSessionClosesTheScratchSessionItReplaces() {
    sessions.openNamedSession("a", named("hero"));
    sessions.current("b");
    assertThat(sessions.size()).isEqualTo(2);

    sessions.openSharedSession("b", "hero");

    assertThat(sessions.size()).isEqualTo(1);
  }

  @Test
  void closingANamedSessionNoConnectionHoldsCountsItClosed() {
    sessions.openNamedSession("a", named("hero"));
    sessions.openScratchSession("a");
    assertThat(sessions.size()).isEqualTo(2);

    assertThat(sessions.closeSession("hero")).isTrue();

    assertThat(sessions.size()).isEqualTo(1);
    assertThat(sessions.findOpen("hero")).isEmpty();
  }

  private static WorkflowSession named(String name) {
    WorkflowState state = new WorkflowState(50);
    state.load(Workflow.ofApi(SessionFixtures.workflow(name)));
    WorkflowSession session = new WorkflowSession(name, state);
    session.markSaved(name, session.toStored(name, Instant.now()).written("r1", "test"));
    return session;
  }
}
