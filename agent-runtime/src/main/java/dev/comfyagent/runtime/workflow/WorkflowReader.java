package dev.comfyagent.runtime.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.discover.NodeDefinitions;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Recognises the format of a workflow document and reads it into API format.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * JsonNode doc = WorkflowJson.parse(text, "portrait.json");
 * LoadedWorkflow loaded = WorkflowReader.read(doc, catalog.tryDefinitions(), "portrait.json");
 * loaded.format();  // API, UI_WITH_PROMPT or UI_ONLY
 * }</pre>
 *
 * <p>Formats: API format (node ids to {@code {class_type, inputs}}; also inside {@code {"prompt":
 * ...}} as sent to {@code POST /prompt}); UI (litegraph) format with the API prompt embedded in
 * {@code extra.prompt}, which is used as is; and UI-only format, converted by {@link
 * UiWorkflowConverter} with the node catalog, or refused with a message naming ComfyUI's "Save (API
 * Format)" export when there is no catalog.
 *
 * <p>Stateless and thread-safe.
 */
public final class WorkflowReader {

  private WorkflowReader() {}

  /**
   * Reads {@code document}.
   *
   * @param source what the document is, for messages
   * @throws WorkflowFormatException when the document is not a workflow, or is UI-only and cannot
   *     be converted
   */
  public static LoadedWorkflow read(
      JsonNode document, Optional<NodeDefinitions> catalog, String source) {
    if (!document.isObject()) {
      throw new WorkflowFormatException(
          source
              + " is a JSON "
              + document.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
              + ", not a workflow; expected an object (API format or ComfyUI's UI format)");
    }
    ObjectNode root = (ObjectNode) document;
    if (root.path("nodes").isArray()) {
      return readUi(root, catalog, source);
    }
    JsonNode prompt = root.get("prompt");
    if (prompt != null && prompt.isObject() && !looksLikeApiNode(prompt)) {
      return new LoadedWorkflow(
          readApi((ObjectNode) prompt, source),
          WorkflowFormat.API,
          List.of("read the API prompt inside the 'prompt' member"));
    }
    return new LoadedWorkflow(readApi(root, source), WorkflowFormat.API, List.of());
  }

  private static boolean looksLikeApiNode(JsonNode node) {
    return node.has("class_type");
  }

  private static Workflow readApi(ObjectNode root, String source) {
    if (root.isEmpty()) {
      throw new WorkflowFormatException(source + " is an empty workflow (no nodes)");
    }
    boolean anyNode = false;
    for (Map.Entry<String, JsonNode> entry : root.properties()) {
      if (entry.getValue().isObject() && entry.getValue().has("class_type")) {
        anyNode = true;
        break;
      }
    }
    if (!anyNode) {
      throw new WorkflowFormatException(
          source
              + " is not a ComfyUI workflow: expected API format ({\"3\": {\"class_type\":"
              + " \"KSampler\", \"inputs\": {...}}, ...}) or UI format (with \"nodes\" and"
              + " \"links\")");
    }
    try {
      return Workflow.ofApi(root);
    } catch (WorkflowFormatException e) {
      throw new WorkflowFormatException(source + ": " + e.getMessage());
    }
  }

  private static LoadedWorkflow readUi(
      ObjectNode root, Optional<NodeDefinitions> catalog, String source) {
    JsonNode embedded = root.path("extra").path("prompt");
    if (embedded.isTextual()) {
      embedded = WorkflowJson.parse(embedded.asText(), source + " extra.prompt");
    }
    if (embedded.isObject() && !embedded.isEmpty()) {
      return new LoadedWorkflow(
          readApi((ObjectNode) embedded, source + " extra.prompt"),
          WorkflowFormat.UI_WITH_PROMPT,
          List.of("used the API prompt embedded in extra.prompt"));
    }
    if (catalog.isEmpty()) {
      throw new WorkflowFormatException(
          source
              + " is in ComfyUI's UI format without an embedded API prompt. Converting it needs"
              + " ComfyUI's node catalog (/object_info), and ComfyUI is not reachable now. Start"
              + " ComfyUI and load it again, or export the workflow from ComfyUI with"
              + " \"Save (API Format)\" (Workflow > Export (API)) and load that file.");
    }
    UiWorkflowConverter.Converted converted = UiWorkflowConverter.convert(root, catalog.get());
    return new LoadedWorkflow(
        readApi(converted.api(), source + " (converted from UI format)"),
        WorkflowFormat.UI_ONLY,
        converted.notes());
  }
}
