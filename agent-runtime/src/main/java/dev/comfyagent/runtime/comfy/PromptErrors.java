package dev.comfyagent.runtime.comfy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns ComfyUI's refusal of a prompt ({@code error} and {@code node_errors} of a 400 from {@code
 * POST /prompt}) into lines an artist can act on:
 *
 * <pre>
 * ComfyUI refused the workflow: Prompt outputs failed validation
 * - node 3 (KSampler): steps: Value 0 smaller than min of 1
 * - node 4 (CheckpointLoaderSimple): ckpt_name: Value not in list ('x.safetensors' not in [...])
 * </pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class PromptErrors {

  private static final int MAX_DETAIL = 300;

  /** ComfyUI's {@code invalid_prompt} for a class it does not have (validate_prompt). */
  private static final Pattern NO_SUCH_NODE =
      Pattern.compile("Cannot execute because node (.+?) does not exist\\.?");

  private PromptErrors() {}

  /** The whole refusal: a headline, a hint for the common top-level errors, one line per error. */
  public static String describe(JsonNode error, JsonNode nodeErrors) {
    StringBuilder out = new StringBuilder("ComfyUI refused the workflow: ");
    out.append(headline(error));
    List<String> lines = nodeErrorLines(nodeErrors);
    for (String line : lines) {
      out.append("\n- ").append(line);
    }
    String hint = hint(error);
    if (!hint.isEmpty()) {
      out.append("\n").append(hint);
    }
    return out.toString();
  }

  /** One line per node error: {@code node 3 (KSampler): steps: Value 0 smaller than min of 1}. */
  public static List<String> nodeErrorLines(JsonNode nodeErrors) {
    List<String> lines = new ArrayList<>();
    if (nodeErrors == null || !nodeErrors.isObject()) {
      return lines;
    }
    for (Map.Entry<String, JsonNode> node : nodeErrors.properties()) {
      String prefix =
          "node " + node.getKey() + " (" + node.getValue().path("class_type").asText("?") + "): ";
      for (JsonNode error : node.getValue().path("errors")) {
        lines.add(prefix + describeOne(error));
      }
    }
    return lines;
  }

  /** {@code input: message (details)}, without repeating the input name. */
  static String describeOne(JsonNode error) {
    String message = error.path("message").asText("").trim();
    String details = error.path("details").asText("").trim();
    String input = error.path("extra_info").path("input_name").asText("");
    if (input.isEmpty()) {
      return details.isEmpty() ? message : message + ": " + clip(details);
    }
    String rest = details;
    if (rest.equals(input)) {
      rest = "";
    } else if (rest.startsWith(input + ": ") || rest.startsWith(input + ", ")) {
      rest = rest.substring(input.length() + 2);
    }
    return input + ": " + message + (rest.isEmpty() ? "" : " (" + clip(rest) + ")");
  }

  private static String headline(JsonNode error) {
    if (error == null || error.isNull() || error.isMissingNode()) {
      return "no reason given";
    }
    if (error.isTextual()) {
      return error.asText();
    }
    String message = error.path("message").asText("no reason given");
    String details = error.path("details").asText("");
    // prompt_outputs_failed_validation repeats the node errors in its details; the lines say it.
    if (details.isEmpty()
        || "prompt_outputs_failed_validation".equals(error.path("type").asText())) {
      return message;
    }
    return message + " (" + clip(details) + ")";
  }

  /**
   * The node type ComfyUI does not have, when that is why it refused the prompt: {@code
   * missing_node_type} names it in {@code extra_info.class_type}; ComfyUI before that error type
   * answered {@code invalid_prompt} "Cannot execute because node X does not exist."
   */
  public static Optional<String> missingNodeType(JsonNode error) {
    if (error == null || !error.isObject()) {
      return Optional.empty();
    }
    String type = error.path("type").asText();
    if ("missing_node_type".equals(type)) {
      String classType = error.path("extra_info").path("class_type").asText("");
      return classType.isEmpty() ? Optional.empty() : Optional.of(classType);
    }
    if ("invalid_prompt".equals(type)) {
      Matcher m = NO_SUCH_NODE.matcher(error.path("message").asText(""));
      if (m.find()) {
        return Optional.of(m.group(1));
      }
    }
    return Optional.empty();
  }

  private static String hint(JsonNode error) {
    Optional<String> missing = missingNodeType(error);
    if (missing.isPresent()) {
      return "The node type "
          + missing.get()
          + " is not installed in this ComfyUI; find_missing_nodes names the ComfyUI-Manager pack"
          + " that provides it. Install that pack and restart ComfyUI.";
    }
    String type = error == null ? "" : error.path("type").asText();
    return switch (type) {
      case "prompt_no_outputs" ->
          "Add an output node (SaveImage or PreviewImage) so ComfyUI has something to produce.";
      case "missing_node_type" ->
          "That node type is not installed in this ComfyUI; find_missing_nodes names the pack that"
              + " provides it.";
      case "invalid_prompt" ->
          error.path("message").asText("").contains("class_type")
              ? "The workflow is not in API format; load it again with load_workflow."
              : "";
      default -> "";
    };
  }

  private static String clip(String text) {
    String oneLine = text.replace('\n', ' ');
    return oneLine.length() <= MAX_DETAIL ? oneLine : oneLine.substring(0, MAX_DETAIL) + "...";
  }
}
