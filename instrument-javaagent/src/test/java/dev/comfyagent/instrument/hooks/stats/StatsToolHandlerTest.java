package dev.comfyagent.instrument.hooks.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfyagent.instrument.host.MethodHandleHostReader;
import dev.comfyagent.instrument.record.AgentHealth;
import dev.comfyagent.instrument.record.AgentStats;
import dev.comfyagent.instrument.record.CircuitBreakerBoard;
import dev.comfyagent.instrument.record.RateLimiterBoard;
import dev.comfyagent.instrument.record.SessionGauge;
import dev.comfyagent.instrument.record.ToolStatsRegistry;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatsToolHandlerTest {

  private final AgentHealth health = new AgentHealth(false);
  private final StatsToolHandler handler =
      new StatsToolHandler(
          null,
          new StatsReport(
              new AgentStats(
                  System.nanoTime(),
                  new ToolStatsRegistry(10),
                  new CircuitBreakerBoard(),
                  new RateLimiterBoard(),
                  new SessionGauge(r -> 0),
                  health,
                  new MethodHandleHostReader(),
                  () -> 0,
                  () -> 0,
                  Map::of),
              Path.of("logs"),
              () -> "0.1.0"),
          List.of("echo", "get_agent_stats"),
          health);

  @Test
  void noArgumentsOrABlankToolGiveTheWholeReport() {
    assertThat(handler.answerFor(null).structured()).containsKey("agent");
    assertThat(handler.answerFor(Map.of()).structured()).containsKey("agent");
    assertThat(handler.answerFor(Map.of("tool", " ")).structured()).containsKey("agent");
    Map<String, Object> nullTool = new HashMap<>();
    nullTool.put("tool", null);
    assertThat(handler.answerFor(nullTool).structured()).containsKey("agent");
  }

  @Test
  void aToolOfTheServerNarrowsTheReport() {
    StatsReport.Answer answer = handler.answerFor(Map.of("tool", "echo"));
    assertThat(answer.isError()).isFalse();
    assertThat(((Map<?, ?>) answer.structured().get("tools")).keySet())
        .isEqualTo(java.util.Set.of("echo"));
  }

  @Test
  void anUnknownArgumentIsAnErrorNamingTheOnlyOne() {
    StatsReport.Answer answer = handler.answerFor(Map.of("tools", "echo"));
    assertThat(answer.isError()).isTrue();
    assertThat(answer.text())
        .isEqualTo(
            "unknown argument 'tools': the only argument is 'tool' (a tool name, to narrow the"
                + " figures to it)");
  }

  @Test
  void aToolThatIsNotAStringIsAnError() {
    assertThat(handler.answerFor(Map.of("tool", 3)).text())
        .isEqualTo("argument 'tool' must be a tool name (a string), got the number 3");
    assertThat(handler.answerFor(Map.of("tool", List.of("a"))).text())
        .startsWith("argument 'tool' must be a tool name (a string), got a ");
  }
}
