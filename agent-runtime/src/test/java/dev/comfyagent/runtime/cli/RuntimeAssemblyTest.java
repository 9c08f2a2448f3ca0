package dev.comfyagent.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfyagent.runtime.discover.DiscoverFixtures;
import dev.comfyagent.runtime.discover.FakeComfyUiClient;
import dev.comfyagent.runtime.discover.NodeSearch;
import dev.comfyagent.runtime.tool.Tool;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeAssemblyTest {

  @TempDir Path cwd;

  private final FakeComfyUiClient client = new FakeComfyUiClient(DiscoverFixtures.objectInfo());

  @Test
  void registersTheDiscoverAndSessionToolsWithObjectSchemas() throws Exception {
    try (RuntimeAssembly runtime = assemble(new HashMap<>())) {
      assertThat(runtime.tools().all())
          .extracting(Tool::name)
          .contains(
              "search_nodes",
              "get_node_info",
              "list_models",
              "find_missing_nodes",
              "save_session",
              "load_session",
              "list_sessions",
              "add_note");
      assertThat(runtime.tools().all())
          .allSatisfy(t -> assertThat(t.inputSchema().path("type").asText()).isEqualTo("object"));
      assertThat(runtime.allowedRoots().isEnabled()).as("file access is off by default").isFalse();
      assertThat(runtime.allowedRoots().offMessage())
          .contains("neither WORKFLOWS_DIR nor COMFYUI_PATH");
      assertThat(runtime.sessionStore().directory()).isEqualTo(cwd.resolve("sessions"));
    }
  }

  @Test
  void saysWhyThereIsNoManagerMapWithoutComfyUiPath() throws Exception {
    try (RuntimeAssembly runtime = assemble(new HashMap<>())) {
      assertThat(runtime.managerMap().isAvailable()).isFalse();
      assertThat(runtime.managerMap().describeSource()).contains("COMFYUI_PATH is not set");
    }
  }

  @Test
  void findsTheManagerMapUnderComfyUiPathAndPreparesSearchInTheBackground() throws Exception {
    Path comfy = DiscoverFixtures.comfyUiInstall(cwd.resolve("ComfyUI"));
    Map<String, String> env = new HashMap<>();
    env.put("COMFYUI_PATH", comfy.toString());

    try (RuntimeAssembly runtime = assemble(env)) {
      // size() never reads the files: it is 0 until something (the warm-up) has read them.
      assertThat(runtime.managerMap().size()).isZero();
      runtime.warmUp();
      assertThat(runtime.nodeSearch().awaitPrepared(Duration.ofSeconds(30))).isTrue();

      // Both read ahead of any search: the map, and the live catalog (fetched once).
      assertThat(runtime.managerMap().isRead()).isTrue();
      assertThat(client.objectInfoCalls).hasValue(1);
      NodeSearch.Answer answer = runtime.nodeSearch().search("FaceDetailer", 1, false, false);
      assertThat(answer.managerMapPending()).isNull();
      assertThat(answer.matches()).hasSize(1);
      assertThat(client.objectInfoCalls).hasValue(1);
    }
  }

  @Test
  void prefetchingTheCatalogLeavesTheMapForLater() throws Exception {
    Path comfy = DiscoverFixtures.comfyUiInstall(cwd.resolve("ComfyUI"));
    Map<String, String> env = new HashMap<>();
    env.put("COMFYUI_PATH", comfy.toString());

    try (RuntimeAssembly runtime = assemble(env)) {
      runtime.prefetchCatalog();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (client.objectInfoCalls.get() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }

      assertThat(client.objectInfoCalls).hasValue(1);
      assertThat(runtime.managerMap().isRead()).isFalse();
      runtime.warmUp();
      assertThat(runtime.nodeSearch().awaitPrepared(Duration.ofSeconds(30))).isTrue();
      assertThat(runtime.managerMap().isRead()).isTrue();
      assertThat(client.objectInfoCalls).hasValue(1);
    }
  }

  @Test
  void withoutComfyUiPathWarmingUpContactsNobody() throws Exception {
    try (RuntimeAssembly runtime = assemble(new HashMap<>())) {
      runtime.prefetchCatalog();
      runtime.warmUp();

      assertThat(runtime.nodeSearch().awaitPrepared(Duration.ZERO)).isTrue();
      assertThat(client.objectInfoCalls).hasValue(0);
      assertThat(runtime.managerMap().isRead()).isFalse();
    }
  }

  @Test
  void saysFileAccessIsOffWhenComfyUiHasNoUserWorkflowsFolder() throws Exception {
    Path comfy = java.nio.file.Files.createDirectories(cwd.resolve("ComfyUI"));
    Map<String, String> env = new HashMap<>();
    env.put("COMFYUI_PATH", comfy.toString());

    try (RuntimeAssembly runtime = assemble(env)) {
      assertThat(runtime.allowedRoots().isEnabled()).isFalse();
      assertThat(runtime.allowedRoots().offMessage())
          .startsWith(
              "file access is off: COMFYUI_PATH is set, but "
                  + comfy.resolve("user/default/workflows")
                  + " does not exist");
    }
  }

  @Test
  void closingClosesTheOpenSessions() throws Exception {
    RuntimeAssembly runtime = assemble(new HashMap<>());
    runtime.sessions().current("c");

    runtime.close();

    assertThat(runtime.sessions().size()).isZero();
  }

  private RuntimeAssembly assemble(Map<String, String> env) throws SettingsException {
    RuntimeSettings settings = RuntimeSettings.resolve(Map.of(), env, cwd);
    return RuntimeAssembly.create(settings, client, Clock.systemUTC());
  }
}
