package dev.comfyagent.instrument.weave;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.instrument.bootstrap.AgentBridge;
import dev.comfyagent.instrument.config.ToolPattern;
import dev.comfyagent.instrument.host.MethodHandleHostReader;
import dev.comfyagent.instrument.record.AgentHealth;
import dev.comfyagent.instrument.record.CircuitBreakerBoard;
import dev.comfyagent.instrument.record.CorrelationSequences;
import dev.comfyagent.instrument.record.InputSummary;
import dev.comfyagent.instrument.record.RateLimiterBoard;
import dev.comfyagent.instrument.record.SessionGauge;
import dev.comfyagent.instrument.record.ToolCallTracker;
import dev.comfyagent.instrument.record.ToolStatsRegistry;
import dev.comfyagent.instrument.record.TraceEvent;
import dev.comfyagent.runtime.session.SessionRegistry;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolException;
import dev.comfyagent.runtime.tool.ToolResult;
import dev.comfyagent.weavefixtures.FixtureTool;
import dev.comfyagent.weavefixtures.Renderer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.lang.instrument.Instrumentation;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import net.bytebuddy.agent.ByteBuddyAgent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The weave targets applied in this JVM with Byte Buddy's own agent, to the real classes they
 * target (the runtime's {@code Tool} and {@code SessionRegistry}, Resilience4j), with the real
 * dispatch behind the bootstrap bridge.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InProcessWeavingTest {

  private final AgentHealth health = new AgentHealth(false);
  private final ToolStatsRegistry tools = new ToolStatsRegistry(100);
  private final CircuitBreakerBoard breakers = new CircuitBreakerBoard();
  private final RateLimiterBoard limiters = new RateLimiterBoard();
  private final MethodHandleHostReader host = new MethodHandleHostReader();
  private final SessionGauge sessions = new SessionGauge(host::sessionCount);
  private final List<TraceEvent> events = new CopyOnWriteArrayList<>();
  private final ToolCallTracker tracker =
      new ToolCallTracker(
          tools,
          host,
          new InputSummary(200, host.treeReader()),
          new CorrelationSequences(10),
          events::add,
          health);
  private final WeaveDispatch dispatch =
      new WeaveDispatch(tracker, breakers, limiters, sessions, host, health);
  private Instrumentation instrumentation;
  private Weaver.Installed transformer;

  @BeforeAll
  void weave() {
    instrumentation = ByteBuddyAgent.install();
    assertThat(AgentBridge.install(dispatch)).isTrue();
    List<WeaveTarget> targets =
        List.of(
            new RuntimeToolWeave(),
            new SdkToolCallWeave(),
            new SdkSyncToolWeave(),
            new SdkRequestIdWeave(),
            new CircuitBreakerWeave(),
            new RateLimiterWeave(),
            new SessionRegistryWeave(),
            new PatternToolWeave(
                ToolPattern.parse("dev.comfyagent.weavefixtures.*Renderer#render*"), true));
    targets.forEach(t -> assertThat(t.name()).isNotBlank());
    transformer =
        new Weaver(health, InProcessWeavingTest.class.getClassLoader(), false)
            .install(instrumentation, targets);
  }

  @AfterAll
  void unweave() {
    transformer.reset();
    AgentBridge.uninstall(dispatch);
    assertThat(AgentBridge.installed()).isFalse();
  }

  @Test
  void runtimeToolsAreTimedWithTheirPatternMatchedHelpersAsChildren() {
    ObjectNode arguments =
        new ObjectMapper().createObjectNode().put("prompt", "fox").put("api_key", "k");
    ToolResult result = new FixtureTool("woven_tool").call(arguments, ToolContext.detached("t"));
    assertThat(result.text()).isEqualTo("ok");
    assertThat(tools.forName("woven_tool").total().ok()).isEqualTo(1);
    assertThat(tools.forName("Renderer#render").total().ok()).isEqualTo(1);
    TraceEvent tool =
        events.stream().filter(e -> e.toolName().equals("woven_tool")).findFirst().orElseThrow();
    TraceEvent child =
        events.stream()
            .filter(e -> e.toolName().equals("Renderer#render"))
            .findFirst()
            .orElseThrow();
    assertThat(child.parentSeq()).isEqualTo(tool.seq());
    assertThat(child.inputSummary()).isEqualTo("prompt=inner, steps=2");
    assertThat(tool.inputSummary()).isEqualTo("prompt=fox, api_key=[redacted]");
    assertThat(health.classesInstrumented()).isPositive();
  }

  @Test
  void aToolsExceptionPropagatesUnchangedAndIsCounted() {
    ObjectNode arguments = new ObjectMapper().createObjectNode().put("throw", true);
    FixtureTool tool = new FixtureTool("throwing_tool");
    assertThatThrownBy(() -> tool.call(arguments, ToolContext.detached("t")))
        .isExactlyInstanceOf(ToolException.class)
        .hasMessage("asked to throw");
    ObjectNode failing = new ObjectMapper().createObjectNode().put("fail", true);
    assertThat(new FixtureTool("failing_tool").call(failing, ToolContext.detached("t")).isError())
        .isTrue();
    assertThat(tools.forName("throwing_tool").total().err()).isEqualTo(1);
    assertThat(tools.forName("failing_tool").total().err()).isEqualTo(1);
  }

  @Test
  void voidAndStaticMethodsMatchedByAPatternAreTimed() {
    new Renderer().renderQuietly("a");
    assertThat(Renderer.renderCount(3)).isEqualTo(3);
    assertThat(tools.forName("Renderer#renderQuietly").total().calls()).isEqualTo(1);
    assertThat(tools.forName("Renderer#renderCount").total().calls()).isEqualTo(1);
  }

  @Test
  void circuitBreakerStateAndTransitionsAreRecorded() {
    CircuitBreaker breaker = CircuitBreaker.of("comfyui-test", CircuitBreakerConfig.ofDefaults());
    breaker.transitionToOpenState();
    breaker.transitionToHalfOpenState();
    breaker.transitionToClosedState();
    assertThat(breakers.current(host::circuitBreakerState).get("comfyui-test"))
        .isEqualTo(new CircuitBreakerBoard.BreakerFigures("comfyui-test", "CLOSED", 3));
    assertThat(breakers.drainTransitions())
        .filteredOn(t -> t.breaker().equals("comfyui-test"))
        .extracting(t -> t.from() + ">" + t.to())
        .containsExactly("CLOSED>OPEN", "OPEN>HALF_OPEN", "HALF_OPEN>CLOSED");
  }

  @Test
  void rateLimiterRejectionsAreCounted() {
    RateLimiter limiter =
        RateLimiter.of(
            "comfyui-limit",
            RateLimiterConfig.custom()
                .limitForPeriod(1)
                .limitRefreshPeriod(Duration.ofHours(1))
                .timeoutDuration(Duration.ZERO)
                .build());
    assertThat(limiter.acquirePermission()).isTrue();
    assertThat(limiter.acquirePermission()).isFalse();
    assertThat(limiter.reservePermission()).isNegative();
    assertThat(limiters.total().get("comfyui-limit"))
        .isEqualTo(new RateLimiterBoard.LimiterFigures("comfyui-limit", 1, 2));
  }

  @Test
  void theRuntimesOpenSessionsAreReadFromItsRegistry() {
    SessionRegistry registry = new SessionRegistry(10);
    registry.current("connection-1");
    registry.current("connection-2");
    assertThat(sessions.observed()).isTrue();
    assertThat(sessions.active()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void adviceFailuresAreCountedNotThrown() {
    long before = health.internalErrors();
    AgentBridge.adviceFailed(new IllegalStateException("from woven code"));
    assertThat(health.internalErrors()).isEqualTo(before + 1);
  }
}
