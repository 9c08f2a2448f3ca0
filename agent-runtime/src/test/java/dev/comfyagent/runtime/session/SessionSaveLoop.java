package dev.comfyagent.runtime.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.files.AtomicFileWriter;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.workflow.Workflow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The child JVM of {@link SessionStoreCrashTest}: saves one session with {@code save_session} over
 * and over, each version a few megabytes, so that a kill lands in the middle of a write. Version
 * {@code k} has the note {@code version k} and every node's text says {@code version k}, so a
 * reader can tell a whole version from a mix.
 *
 * <p>Arguments: the sessions directory, the session name, a file to create once writing runs.
 */
public final class SessionSaveLoop {

  /** Nodes per version: enough for a write to take a while. */
  static final int NODES = 6_000;

  private SessionSaveLoop() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    String name = args[1];
    Path started = Path.of(args[2]);
    if (args.length > 3 && args[3].equals("slow")) {
      slowWrite(dir.resolve(name + ".json"), started);
      return;
    }
    SessionRegistry sessions = new SessionRegistry(50);
    SessionStore store = new SessionStore(dir, Clock.systemUTC());
    SaveSessionTool save = new SaveSessionTool(sessions, store);
    ToolContext context = ToolContext.detached("child");
    // Two big versions built once, so that the loop spends its time saving.
    Workflow[] versions = {
      Workflow.ofApi(workflow("version 1")), Workflow.ofApi(workflow("version 2"))
    };
    for (int version = 1; ; version = 3 - version) {
      WorkflowSession session = sessions.openScratchSession("child");
      session.workflow().load(versions[version - 1]);
      session.addNote("version " + version, Clock.systemUTC().instant());
      ObjectNode arguments = SessionFixtures.JSON.createObjectNode();
      arguments.put("name", name);
      arguments.put("overwrite", true);
      save.call(arguments, context);
      if (!Files.exists(started)) {
        Files.createFile(started);
      }
    }
  }

  /**
   * Replaces the file through {@link AtomicFileWriter} with content written slowly, announcing
   * through {@code started} that half of it is on disk, so that a kill lands mid-write for certain.
   */
  private static void slowWrite(Path target, Path started) throws Exception {
    AtomicFileWriter.write(
        target,
        out -> {
          out.write(
              "{\"schema_version\": 1, \"half\": \""
                  .getBytes(java.nio.charset.StandardCharsets.UTF_8));
          out.flush();
          Files.createFile(started);
          try {
            Thread.sleep(600_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        },
        true);
  }

  static ObjectNode workflow(String text) {
    ObjectNode api = SessionFixtures.JSON.createObjectNode();
    for (int i = 1; i <= NODES; i++) {
      ObjectNode node = api.putObject(String.valueOf(i));
      node.put("class_type", "CLIPTextEncode");
      ObjectNode inputs = node.putObject("inputs");
      inputs.put("text", text + " " + "lorem ipsum dolor sit amet ".repeat(12));
      inputs.putArray("clip").add("4").add(1);
    }
    return api;
  }
}
