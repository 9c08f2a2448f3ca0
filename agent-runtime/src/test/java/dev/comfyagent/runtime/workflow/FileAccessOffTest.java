package dev.comfyagent.runtime.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.files.AllowedRoots;
import dev.comfyagent.runtime.files.PathNotAllowedException;
import dev.comfyagent.runtime.session.SessionRegistry;
import dev.comfyagent.runtime.tool.InvalidArgumentException;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolResult;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Without a configured workflow folder the file tools refuse every path and say how to fix it. */
class FileAccessOffTest {

  private static final ToolContext C = ToolContext.detached("c");

  private final SessionRegistry sessions = new SessionRegistry(50);
  private final Map<String, Tool> tools =
      WorkflowTools.create(
              sessions, Fixtures.fixedCatalog(), Fixtures.noManagerMap(), AllowedRoots.none())
          .stream()
          .collect(Collectors.toMap(Tool::name, Function.identity()));

  private ToolResult call(String tool, String arguments) {
    return tools.get(tool).call((ObjectNode) WorkflowJson.parse(arguments, "arguments"), C);
  }

  @Test
  void loadingAFileIsRefusedSayingFileAccessIsOffAndHowToTurnItOn() {
    assertThatThrownBy(() -> call("load_workflow", "{\"path\": \"/etc/passwd\"}"))
        .isInstanceOf(PathNotAllowedException.class)
        .hasMessage(
            "file access is off: no workflow folder is configured (neither WORKFLOWS_DIR nor"
                + " COMFYUI_PATH is set). To read and save workflow files, set WORKFLOWS_DIR (or"
                + " --workflows-dir) to the folder that holds them, or COMFYUI_PATH to your"
                + " ComfyUI install to use its user/default/workflows folder, and restart the"
                + " server. Without files, pass the workflow JSON itself to load_workflow as"
                + " 'workflow'.");
  }

  @Test
  void savingIsRefusedTheSameWayAndNothingIsWritten() {
    call("load_workflow", "{\"workflow\": " + Fixtures.text(Fixtures.SDXL_API) + "}");

    assertThatThrownBy(() -> call("save_workflow", "{\"path\": \"/tmp/anything.json\"}"))
        .isInstanceOf(PathNotAllowedException.class)
        .hasMessageStartingWith("file access is off:");
    assertThat(java.nio.file.Path.of("/tmp/anything.json")).doesNotExist();
  }

  @Test
  void inlineWorkflowsStillLoad() {
    ToolResult loaded =
        call("load_workflow", "{\"workflow\": " + Fixtures.text(Fixtures.SDXL_API) + "}");

    assertThat(loaded.isError()).isFalse();
    assertThat(loaded.text()).startsWith("Loaded the inline workflow (API format): 11 nodes");
  }

  @Test
  void theToolsSayFileAccessIsOffInTheirDescriptionsAndArgumentErrors() {
    assertThat(tools.get("load_workflow").description())
        .contains("File access is off on this server");
    assertThat(tools.get("save_workflow").description())
        .contains("File access is off on this server");
    assertThatThrownBy(() -> call("load_workflow", "{}"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageStartingWith("give 'workflow' (the workflow JSON itself); 'path' needs file")
        .hasMessageContaining("file access is off");
  }
}
