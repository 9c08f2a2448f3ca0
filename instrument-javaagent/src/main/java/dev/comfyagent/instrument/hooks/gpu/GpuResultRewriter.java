package dev.comfyagent.instrument.hooks.gpu;

import dev.comfyagent.instrument.host.RecordCopy;
import dev.comfyagent.instrument.host.RuntimeContract;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts a GPU reading into a tool's text result, right after its leading {@code Rendered in <n>s}
 * ({@link RenderTimeSuffix}), for the two result types a tool call passes through:
 *
 * <ul>
 *   <li>agent-runtime's {@code ToolResult} (record {@code text, structuredContent, isError}): its
 *       {@code text}. This is where the runtime's own {@code execute_workflow} is rewritten, once,
 *       before the runtime turns it into the SDK's result, so the client sees the figures once;
 *   <li>the SDK's {@code CallToolResult}: the first {@code TextContent} of its {@code content}, for
 *       a GPU-bound tool of any other SDK server. A text that carries figures already is left as it
 *       is, so a call that passes both layers is rewritten once.
 * </ul>
 *
 * <p>Everything else in the result is the same object as before; any other result type, or a record
 * the agent cannot rebuild, is returned untouched.
 *
 * <p>Thread-safe.
 */
final class GpuResultRewriter {

  static final String TOOL_RESULT = RuntimeContract.TOOL_RESULT;
  static final String CALL_TOOL_RESULT = "io.modelcontextprotocol.spec.McpSchema$CallToolResult";
  static final String TEXT_CONTENT = "io.modelcontextprotocol.spec.McpSchema$TextContent";

  private GpuResultRewriter() {}

  /**
   * The result with the reading inserted, or {@code result} itself when there is nothing to insert.
   *
   * @throws Throwable when a record accessor or constructor of the host fails
   */
  static Object rewrite(Object result, GpuReading reading) throws Throwable {
    if (result == null || reading.isDisabled()) {
      return result;
    }
    String type = result.getClass().getName();
    if (type.equals(TOOL_RESULT)) {
      return rewriteText(result, reading);
    }
    if (type.equals(CALL_TOOL_RESULT)) {
      return rewriteContent(result, reading);
    }
    return result;
  }

  private static Object rewriteText(Object record, GpuReading reading) throws Throwable {
    RecordCopy copy = RecordCopy.forType(record.getClass()).orElse(null);
    // ToolResult's text component; the SDK's TextContent calls its component "text" too.
    if (copy == null
        || !(copy.get(record, RuntimeContract.TOOL_RESULT_TEXT) instanceof String text)) {
      return record;
    }
    String changed = RenderTimeSuffix.insertAfterRenderTime(text, reading);
    return changed.equals(text)
        ? record
        : copy.with(record, RuntimeContract.TOOL_RESULT_TEXT, changed);
  }

  private static Object rewriteContent(Object result, GpuReading reading) throws Throwable {
    RecordCopy copy = RecordCopy.forType(result.getClass()).orElse(null);
    if (copy == null || !(copy.get(result, "content") instanceof List<?> content)) {
      return result;
    }
    for (int i = 0; i < content.size(); i++) {
      Object item = content.get(i);
      if (item != null && item.getClass().getName().equals(TEXT_CONTENT)) {
        Object rewritten = rewriteText(item, reading);
        if (rewritten == item) {
          return result;
        }
        List<Object> changed = new ArrayList<>(content);
        changed.set(i, rewritten);
        return copy.with(result, "content", changed);
      }
    }
    return result;
  }
}
