package dev.comfyagent.runtime.tool;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * What a {@link Tool} returns: a readable text for the assistant, optionally the same facts as
 * structured JSON, and whether the call failed.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * return ToolResult.of("3 nodes, 2 links", summaryJson);
 * return ToolResult.error("node 12 does not exist");
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param text the text content shown to the assistant, never {@code null}
 * @param structuredContent the same result as JSON (MCP {@code structuredContent}), or {@code null}
 * @param isError whether the call failed (MCP {@code isError})
 */
public record ToolResult(String text, JsonNode structuredContent, boolean isError) {

  public ToolResult {
    Objects.requireNonNull(text, "text");
  }

  /** A successful result with text only. */
  public static ToolResult text(String text) {
    return new ToolResult(text, null, false);
  }

  /** A successful result with text and structured content. */
  public static ToolResult of(String text, JsonNode structuredContent) {
    return new ToolResult(text, structuredContent, false);
  }

  /** A failed result: the text says what went wrong and what to do about it. */
  public static ToolResult error(String text) {
    return new ToolResult(text, null, true);
  }

  /** A failed result that also carries structured details (for example ComfyUI's node errors). */
  public static ToolResult error(String text, JsonNode structuredContent) {
    return new ToolResult(text, structuredContent, true);
  }

  /** The same result with its text replaced; used to append details after the fact. */
  public ToolResult withText(String newText) {
    return new ToolResult(newText, structuredContent, isError);
  }
}
