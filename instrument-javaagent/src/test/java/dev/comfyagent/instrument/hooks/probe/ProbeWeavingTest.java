package dev.comfyagent.instrument.hooks.probe;

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
import dev.comfyagent.instrument.weave.InProcessWeaver;
import dev.comfyagent.instrument.weave.InstanceCaptureWeave;
import dev.comfyagent.instrument.weave.WeaveDispatch;
import dev.comfyagent.instrument.weave.Weaver;
import dev.comfyagent.runtime.discover.ManagerNodeMap;
import dev.comfyagent.runtime.workflow.UndoHistory;
import dev.comfyagent.weavefixtures.TileCache;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.bytebuddy.agent.ByteBuddyAgent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory probes on the runtime's real classes, woven in this JVM: instances are seen as they are
 * built (and, after a late attach, when used), and reading a size never loads anything.
 */
class ProbeWeavingTest {

  private static final String NODE_MAP =
      "{\"https://github.com/acme/pack\": [[\"AcmeLoader\", \"AcmeSaver\"], {\"title_aux\": \"Acme\"}]}";

  @TempDir Path dir;

  private final AgentHealth health = new AgentHealth(false);
  private final MethodHandleHostReader host = new MethodHandleHostReader();
  private final List<String> notices = new ArrayList<>();
  private final WeaveDispatch dispatch =
      new WeaveDispatch(
          new ToolCallTracker(
              new ToolStatsRegistry(10),
              host,
              new InputSummary(200, host.treeReader()),
              new CorrelationSequences(10),
              null,
              health),
          new CircuitBreakerBoard(),
          new RateLimiterBoard(),
          new SessionGauge(host::sessionCount),
          host,
          health);
  private Instrumentation instrumentation;
  private Weaver.Installed transformer;

  private MemoryProbes weave(boolean attachedLate, List<ProbeSpec> specs) {
    MemoryProbes probes = new MemoryProbes(specs, notices::add);
    dispatch.addInstanceListener(probes);
    instrumentation = ByteBuddyAgent.install();
    assertThat(AgentBridge.install(dispatch)).isTrue();
    transformer =
        InProcessWeaver.sharingLoader(health, getClass().getClassLoader())
            .install(
                instrumentation,
                List.of(new InstanceCaptureWeave(probes.classNames(), attachedLate)));
    return probes;
  }

  @AfterEach
  void unweave() {
    if (transformer != null) {
      transformer.reset();
    }
    AgentBridge.uninstall(dispatch);
  }

  @Test
  void undoHistoriesAreSeenAsTheyAreBuiltAndTheirDepthsSummed() {
    MemoryProbes probes = weave(false, RuntimeProbeProfile.probes());
    UndoHistory first = new UndoHistory(5);
    UndoHistory second = new UndoHistory(5);
    first.push(entry());
    second.push(entry());
    second.push(entry());

    Map<?, ?> undo = probe(probes, "undo_history_depth");
    assertThat(undo.get("value")).isEqualTo(3L);
    assertThat(undo.get("instances")).isEqualTo(2);
    assertThat(undo.get("max")).isEqualTo(2L);
    assertThat(notices).isEmpty();
    assertThat(health.internalErrors()).isZero();
  }

  @Test
  void readingTheDiscoveryCacheSizeNeverReadsItsFiles() throws IOException {
    MemoryProbes probes = weave(false, RuntimeProbeProfile.probes());
    Path nodeMap = Files.writeString(dir.resolve("extension-node-map.json"), NODE_MAP);
    ManagerNodeMap notRead = ManagerNodeMap.ofFiles(nodeMap, null);

    assertThat(probe(probes, "discovery_cache").get("value")).isEqualTo(0L);
    Files.delete(nodeMap);
    assertThat(notRead.isAvailable())
        .as("the probe's read left the files unread: they are gone when the map reads them")
        .isFalse();

    Path second = Files.writeString(dir.resolve("second.json"), NODE_MAP);
    ManagerNodeMap read = ManagerNodeMap.ofFiles(second, null);
    assertThat(read.packCount()).isEqualTo(1);
    assertThat(probe(probes, "discovery_cache").get("value")).isEqualTo(2L);
  }

  @Test
  void afterALateAttachAnInstanceBuiltBeforeIsFoundWhenItIsUsed() {
    TileCache builtBefore = new TileCache(2);
    MemoryProbes probes =
        weave(true, List.of(new ProbeSpec("tiles", TileCache.class.getName(), "tiles", false)));
    assertThat(probe(probes, "tiles").get("instances")).isEqualTo(0);

    builtBefore.put("tile-x");
    TileCache builtAfter = new TileCache();

    assertThat(probe(probes, "tiles").get("value")).isEqualTo(3L);
    assertThat(probe(probes, "tiles").get("instances")).isEqualTo(2);
    assertThat(builtAfter.tiles()).isEmpty();
  }

  @Test
  void atStartupOnlyConstructorsAreWovenSoAnOlderInstanceStaysUnseen() {
    TileCache builtBefore = new TileCache(2);
    MemoryProbes probes =
        weave(false, List.of(new ProbeSpec("tiles", TileCache.class.getName(), "tiles", false)));
    builtBefore.put("tile-x");
    assertThat(probe(probes, "tiles").get("instances")).isEqualTo(0);
    assertThat(new TileCache(1).tiles()).hasSize(1);
    assertThat(probe(probes, "tiles").get("value")).isEqualTo(1L);
  }

  private static UndoHistory.Entry entry() {
    return new UndoHistory.Entry("step", java.time.Instant.EPOCH, null, null);
  }

  private static Map<?, ?> probe(MemoryProbes probes, String name) {
    return (Map<?, ?>) ((Map<?, ?>) probes.figures(false).get("probes")).get(name);
  }

  static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
