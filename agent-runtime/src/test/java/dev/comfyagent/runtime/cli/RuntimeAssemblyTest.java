package dev.comfyagent.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfyagent.runtime.discover.DiscoverFixtures;
import dev.comfyagent.runtime.discover.FakeComfyUiClient;
import dev.comfyagent.runtime.tool.Tool;
import java.nio.file.Path;
import java.time.Clock;
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
  void findsTheManagerMapUnderComfyUiPathAndWarmsItUp() throws Exception {
    Path comfy = DiscoverFixtures.comfyUiInstall(cwd.resolve("ComfyUI"));
    Map<String, String> env = new HashMap<>();
    env.put("COMFYUI_PATH", comfy.toString());

    try (RuntimeAssembly runtime = assemble(env)) {
      // size() never reads the files: it is 0 until something (the warm-up) has read them.
      assertThat(runtime.managerMap().size()).isZero();
      runtime.warmUp();
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
      while (runtime.managerMap().size() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(runtime.managerMap().size()).as("node types read by the warm-up").isPositive();
      assertThat(runtime.managerMap().packsProviding("FaceDetailer")).hasSize(1);
      assertThat(runtime.nodeSearch().search("FaceDetailer", 1, false, false).matches()).hasSize(1);
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
