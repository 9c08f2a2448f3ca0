package dev.comfyagent.runtime.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Checks the {@code params} of a JSON-RPC request before the MCP SDK sees them, and says in plain
 * words what does not fit: {@code 'arguments' of tools/call must be an object, got the string
 * "{}"}. The SDK (2.1.0) converts params to its request records only inside the handler and answers
 * a mismatch with {@code -32603} Internal error carrying Jackson's message ({@code Cannot
 * deserialize value of type `io.modelcontextprotocol.spec.McpSchema$CallToolRequest` from Array
 * value ...}); the {@link JsonRpcLineGuard} answers what this class finds with {@code -32602}
 * Invalid params instead.
 *
 * <p>The params of every method are checked to be an object when present (MCP has no positional
 * params); those of the methods this server handles are also converted exactly as the SDK will
 * convert them, with the same mapper, so what passes here passes there.
 *
 * <p>Usage: {@code String problem = MethodParams.problem(mapper, "tools/call", params); // or null}
 *
 * <p>Stateless and thread-safe.
 */
final class MethodParams {

  private static final Map<String, Class<?>> PARAMS =
      Map.of(
          McpSchema.METHOD_INITIALIZE, McpSchema.InitializeRequest.class,
          McpSchema.METHOD_TOOLS_CALL, McpSchema.CallToolRequest.class,
          McpSchema.METHOD_TOOLS_LIST, McpSchema.PaginatedRequest.class,
          McpSchema.METHOD_LOGGING_SET_LEVEL, McpSchema.SetLevelRequest.class);

  private MethodParams() {}

  /**
   * What is wrong with {@code params} for {@code method}, or {@code null} when they fit.
   *
   * @param json the mapper the SDK converts params with
   * @param params the request's params, or {@code null} when it has none
   */
  static String problem(ObjectMapper json, String method, JsonNode params) {
    if (params == null || params.isNull()) {
      return null;
    }
    if (!params.isObject()) {
      return "the params of "
          + method
          + " must be an object, got "
          + ArgumentCheck.describe(params);
    }
    Class<?> type = PARAMS.get(method);
    if (type == null) {
      return null;
    }
    try {
      json.treeToValue(params, type);
      return null;
    } catch (JsonMappingException e) {
      return describe(method, params, e);
    } catch (JsonProcessingException | RuntimeException e) {
      return "the params of " + method + " do not fit the method";
    }
  }

  private static String describe(String method, JsonNode params, JsonMappingException e) {
    List<JsonMappingException.Reference> path = e.getPath();
    StringBuilder field = new StringBuilder();
    JsonNode got = params;
    for (JsonMappingException.Reference step : path) {
      if (step.getFieldName() != null) {
        if (field.length() > 0) {
          field.append('.');
        }
        field.append(step.getFieldName());
        got = got == null ? null : got.get(step.getFieldName());
      } else if (step.getIndex() >= 0) {
        field.append('[').append(step.getIndex()).append(']');
        got = got == null ? null : got.get(step.getIndex());
      }
    }
    if (field.length() == 0) {
      return "the params of " + method + " do not fit the method";
    }
    String expected =
        e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException mismatch
            ? kind(mismatch.getTargetType())
            : null;
    return "'"
        + field
        + "' of "
        + method
        + (expected == null ? " is not valid" : " must be " + expected)
        + ", got "
        + ArgumentCheck.describe(got);
  }

  private static String kind(Class<?> type) {
    if (type == null) {
      return null;
    }
    if (CharSequence.class.isAssignableFrom(type) || type.isEnum()) {
      return "a string";
    }
    if (Boolean.class == type || boolean.class == type) {
      return "true or false";
    }
    if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != char.class)) {
      return "a number";
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "an array";
    }
    return "an object";
  }
}
