package dev.comfyagent.instrument.weave;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfyagent.instrument.host.MethodHandleHostReader;
import dev.comfyagent.instrument.record.AgentHealth;
import dev.comfyagent.instrument.record.CircuitBreakerBoard;
import dev.comfyagent.instrument.record.CorrelationSequences;
import dev.comfyagent.instrument.record.InputSummary;
import dev.comfyagent.instrument.record.RateLimiterBoard;
import dev.comfyagent.instrument.record.SessionGauge;
import dev.comfyagent.instrument.record.ToolCallTracker;
import dev.comfyagent.instrument.record.ToolStatsRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The join points the hooks use, behind the dispatch: failures are counted, never thrown. */
class HookDispatchTest {

  /** Stands in for the SDK's features record: (serverInfo, capabilities, tools). */
  record Features(String serverInfo, Map<String, Object> capabilities, List<Object> tools) {}

  private final AgentHealth health = new AgentHealth(false);
  private final MethodHandleHostReader host = new MethodHandleHostReader();
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
          new SessionGauge(host::sessionCount),
          host,
          health);

  @Test
  void instancesReachEveryListenerAndAFailingOneIsCounted() {
    List<Object> seen = new ArrayList<>();
    dispatch.addInstanceListener(
        (type, instance) -> {
          throw new IllegalStateException("listener bug");
        });
    dispatch.addInstanceListener((type, instance) -> seen.add(instance));

    dispatch.instanceSeen(String.class, "x");

    assertThat(seen).containsExactly("x");
    assertThat(health.internalErrors()).isEqualTo(1);
  }

  @Test
  void contributorsAreChainedEachSeeingTheValuesOfThePreviousOne() {
    dispatch.addSdkServerContributor(
        (type, capabilities, tools) -> new Object[] {Map.of("tools", true), List.of("a")});
    dispatch.addSdkServerContributor(
        (type, capabilities, tools) -> {
          List<Object> more = new ArrayList<>((List<?>) tools);
          more.add("b");
          return new Object[] {capabilities, more};
        });

    Object[] changed = dispatch.sdkServerFeatures(Features.class, null, List.of());

    assertThat(changed[0]).isEqualTo(Map.of("tools", true));
    assertThat(changed[1]).isEqualTo(List.of("a", "b"));
    assertThat(health.internalErrors()).isZero();
  }

  @Test
  void valuesOfTheWrongTypesNeverReachTheHostsConstructor() {
    dispatch.addSdkServerContributor((type, capabilities, tools) -> new Object[] {"caps", "tools"});
    dispatch.addSdkServerContributor(
        (type, capabilities, tools) -> {
          throw new IllegalStateException("contributor bug");
        });

    assertThat(dispatch.sdkServerFeatures(Features.class, null, List.of())).isNull();
    assertThat(dispatch.sdkServerFeatures(String.class, null, List.of())).isNull();
    assertThat(health.internalErrors()).isEqualTo(4);
  }

  @Test
  void withoutContributorsNothingChanges() {
    assertThat(dispatch.sdkServerFeatures(Features.class, null, null)).isNull();
  }
}
