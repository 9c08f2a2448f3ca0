package dev.comfyagent.instrument.weave;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfyagent.instrument.bootstrap.AgentBridge;
import dev.comfyagent.instrument.host.MethodHandleHostReader;
import dev.comfyagent.instrument.record.AgentHealth;
import dev.comfyagent.instrument.record.CircuitBreakerBoard;
import dev.comfyagent.instrument.record.CorrelationSequences;
import dev.comfyagent.instrument.record.InputSummary;
import dev.comfyagent.instrument.record.RateLimiterBoard;
import dev.comfyagent.instrument.record.SessionGauge;
import dev.comfyagent.instrument.record.ToolCallTracker;
import dev.comfyagent.instrument.record.ToolStatsRegistry;
import dev.comfyagent.runtime.session.SessionRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.bytebuddy.agent.ByteBuddyAgent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The session registry weave, applied in this JVM to the runtime's real {@code SessionRegistry}:
 * the open-sessions count is read again after the methods that open or close a session, and only
 * after those (a method whose name merely starts with {@code open}, such as {@code openNames()},
 * opens nothing).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionRegistryWeaveTest {

  private final AgentHealth health = new AgentHealth(false);
  private final MethodHandleHostReader host = new MethodHandleHostReader();
  private final AtomicInteger recounts = new AtomicInteger();
  private final SessionGauge sessions =
      new SessionGauge(
          registry -> {
            recounts.incrementAndGet();
            return host.sessionCount(registry);
          });
  private final WeaveDispatch dispatch =
      new WeaveDispatch(
          new ToolCallTracker(
              new ToolStatsRegistry(10),
              host,
              new InputSummary(10, host.treeReader()),
              new CorrelationSequences(10),
              null,
              health),
          new CircuitBreakerBoard(),
          new RateLimiterBoard(),
          sessions,
          host,
          health);
  private Weaver.Installed transformer;

  @BeforeAll
  void weave() {
    assertThat(AgentBridge.install(dispatch)).isTrue();
    transformer =
        new Weaver(health, SessionRegistryWeaveTest.class.getClassLoader(), false)
            .install(ByteBuddyAgent.install(), List.of(new SessionRegistryWeave()));
  }

  @AfterAll
  void unweave() {
    transformer.reset();
    AgentBridge.uninstall(dispatch);
  }

  @Test
  void methodsThatOnlyReadTheRegistryAreNotWoven() {
    SessionRegistry registry = new SessionRegistry(10);
    registry.current("connection-1");
    int before = recounts.get();

    assertThat(registry.openNames()).isEmpty();
    assertThat(registry.findOpen("absent")).isEmpty();

    assertThat(recounts.get()).as("recounts after openNames() and findOpen()").isEqualTo(before);
  }

  @Test
  void methodsThatOpenOrCloseASessionRecountTheRegistry() {
    SessionRegistry registry = new SessionRegistry(10);
    int start = recounts.get();
    registry.openScratchSession("connection-1");
    int afterOpen = recounts.get();
    assertThat(afterOpen).as("recounts after openScratchSession()").isGreaterThan(start);
    registry.closeConnection("connection-1");
    assertThat(recounts.get()).as("recounts after closeConnection()").isGreaterThan(afterOpen);
  }

  @Test
  void theCurrentSessionOfAKnownRegistryIsReadWithoutARecountAndItsFirstUseIsCounted() {
    SessionRegistry registry = new SessionRegistry(10);
    sessions.peakSinceLastLine(true);
    registry.current("connection-1"); // opens the connection's scratch session
    assertThat(sessions.active()).isEqualTo(1);
    assertThat(sessions.peakSinceLastLine(false)).isEqualTo(1);
    int before = recounts.get();

    for (int i = 0; i < 100; i++) {
      registry.current("connection-1");
      registry.currentWorkflow("connection-1");
    }

    assertThat(recounts.get())
        .as("recounts after current() and currentWorkflow()")
        .isEqualTo(before);
  }
}
