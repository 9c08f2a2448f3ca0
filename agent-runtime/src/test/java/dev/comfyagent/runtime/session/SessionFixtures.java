package dev.comfyagent.runtime.session;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.workflow.Workflow;
import dev.comfyagent.runtime.workflow.WorkflowState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;

/** Workflows and stored sessions for the session tests. */
final class SessionFixtures {

  static final ObjectMapper JSON = new ObjectMapper();

  private SessionFixtures() {}

  static ObjectNode json(String text) {
    try {
      return (ObjectNode) JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A small API-format workflow whose prompt text is {@code prompt}. */
  static ObjectNode workflow(String prompt) {
    return json(
        "{\"4\": {\"class_type\": \"CheckpointLoaderSimple\", \"inputs\": {\"ckpt_name\":"
            + " \"sd_xl_base_1.0.safetensors\"}},"
            + " \"6\": {\"class_type\": \"CLIPTextEncode\", \"inputs\": {\"text\": \""
            + prompt
            + "\", \"clip\": [\"4\", 1]}, \"_meta\": {\"title\": \"Positive\"}}}");
  }

  static StoredSession stored(String name, String prompt) {
    ObjectNode wf = workflow(prompt);
    ObjectNode undoEntry =
        json(
            "{\"label\": \"apply_workflow_patch\", \"at\": \"2026-01-02T10:59:00Z\","
                + " \"patch\": [{\"op\": \"replace\", \"path\": \"/6/inputs/text\","
                + " \"value\": \""
                + prompt
                + "\"}],"
                + " \"inverse\": [{\"op\": \"replace\", \"path\": \"/6/inputs/text\","
                + " \"value\": \"x\"}]}");
    return new StoredSession(
        name,
        Instant.parse("2026-01-01T10:00:00Z"),
        Instant.parse("2026-01-02T11:30:00Z"),
        new WorkflowState.Snapshot(wf, wf.deepCopy(), List.of(undoEntry)),
        List.of(new SessionNote(Instant.parse("2026-01-02T11:00:00Z"), "client wants " + prompt)));
  }

  static WorkflowState loaded(ObjectNode api) {
    WorkflowState state = new WorkflowState(50);
    state.load(Workflow.ofApi(api));
    return state;
  }
}
