package dev.comfyagent.runtime.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolException;
import dev.comfyagent.runtime.tool.ToolRegistry;
import dev.comfyagent.runtime.tool.ToolResult;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Adapts the runtime's {@link Tool}s to MCP SDK tool specifications.
 *
 * <p>For every {@code tools/call} it:
 *
 * <ul>
 *   <li>chooses the call's correlation id ({@link CorrelationIds}) and puts it in the SLF4J MDC as
 *       {@code correlation_id} (with {@code tool}) on the thread that runs the tool, which is one
 *       of Reactor's boundedElastic workers and not the thread that read the request; the previous
 *       MDC values are restored afterwards, since pool threads are reused;
 *   <li>checks the arguments against the tool's input schema ({@link ArgumentCheck}), so a mistyped
 *       argument comes back as an {@code isError} result of one short line naming the argument,
 *       what was expected and what came, like any other tool error;
 *   <li>turns a {@link ToolException} into an {@code isError} result with its message, and any
 *       other exception or error (a defect) into an {@code isError} result that names the
 *       correlation id, logging the stack trace: no tool call can take the server down;
 *   <li>returns the correlation id in the result's {@code _meta}.
 * </ul>
 *
 * <p>Usage:
 *
 * <pre>{@code
 * McpToolAdapter adapter = new McpToolAdapter(objectMapper, true);
 * McpServer.sync(transport).tools(adapter.specifications(registry)).build();
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class McpToolAdapter {

  private static final Logger log = LoggerFactory.getLogger(McpToolAdapter.class);

  /** MDC key of the tool's name, set beside {@link CorrelationIds#KEY}. */
  public static final String TOOL_KEY = "tool";

  private final ObjectMapper json;
  private final boolean checkArguments;
  private final Map<String, ArgumentCheck> checks = new ConcurrentHashMap<>();

  /** An adapter that leaves argument checks to the tools themselves. */
  public McpToolAdapter(ObjectMapper json) {
    this(json, false);
  }

  /**
   * An adapter.
   *
   * @param json the mapper converting between the SDK's maps and Jackson trees
   * @param checkArguments whether arguments are checked against each tool's input schema
   */
  public McpToolAdapter(ObjectMapper json, boolean checkArguments) {
    this.json = json;
    this.checkArguments = checkArguments;
  }

  /** One SDK specification per registered tool, in registration order. */
  public List<SyncToolSpecification> specifications(ToolRegistry registry) {
    return registry.all().stream().map(this::specification).toList();
  }

  /** The SDK specification of one tool. */
  public SyncToolSpecification specification(Tool tool) {
    McpSchema.Tool described =
        McpSchema.Tool.builder(tool.name(), asMap(tool.inputSchema()))
            .description(tool.description())
            .annotations(
                McpSchema.ToolAnnotations.builder()
                    .readOnlyHint(tool.readOnly())
                    .destructiveHint(false)
                    .build())
            .build();
    ArgumentCheck check = checkArguments ? argumentCheck(tool) : null;
    if (check != null) {
      checks.put(tool.name(), check);
    }
    return SyncToolSpecification.builder()
        .tool(described)
        .callHandler((exchange, request) -> call(tool, check, exchange, request))
        .build();
  }

  private static ArgumentCheck argumentCheck(Tool tool) {
    try {
      return ArgumentCheck.of(tool.inputSchema());
    } catch (RuntimeException e) {
      // A schema the validator cannot read must not block the tool; it checks its arguments too.
      log.warn("the input schema of {} cannot be checked: {}", tool.name(), e.toString());
      return null;
    }
  }

  CallToolResult call(
      Tool tool, ArgumentCheck check, McpSyncServerExchange exchange, CallToolRequest request) {
    String correlationId = CorrelationIds.choose(request.meta());
    String previousId = MDC.get(CorrelationIds.KEY);
    String previousTool = MDC.get(TOOL_KEY);
    MDC.put(CorrelationIds.KEY, correlationId);
    MDC.put(TOOL_KEY, tool.name());
    long started = System.nanoTime();
    try {
      ObjectNode arguments = argumentsOf(request);
      String invalid = invalidArguments(tool, check, arguments);
      if (invalid != null) {
        log.info("tools/call {} refused: {}", tool.name(), invalid);
        return toSdk(ToolResult.error(invalid), correlationId);
      }
      ToolContext context = new McpToolContext(correlationId, exchange, request.meta());
      log.debug("tools/call {} started", tool.name());
      ToolResult result = tool.call(arguments, context);
      if (result == null) {
        throw new IllegalStateException(tool.name() + " returned no result");
      }
      log.info(
          "tools/call {} {} in {} ms",
          tool.name(),
          result.isError() ? "answered with an error" : "done",
          elapsedMillis(started));
      return toSdk(result, correlationId);
    } catch (ToolException e) {
      log.info(
          "tools/call {} refused in {} ms: {}",
          tool.name(),
          elapsedMillis(started),
          e.getMessage());
      return toSdk(ToolResult.error(e.getMessage()), correlationId);
    } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError e) {
      log.error("tools/call {} failed with a defect", tool.name(), e);
      return toSdk(
          ToolResult.error(
              "internal error in "
                  + tool.name()
                  + " ("
                  + e.getClass().getSimpleName()
                  + (e.getMessage() == null ? "" : ": " + e.getMessage())
                  + "); the server is still running. The runtime log has the details under"
                  + " correlation id "
                  + correlationId
                  + "."),
          correlationId);
    } finally {
      restore(TOOL_KEY, previousTool);
      restore(CorrelationIds.KEY, previousId);
    }
  }

  /**
   * Does once, with nothing observable, what the first {@code tools/call} of a fresh JVM would
   * otherwise pay for on the client's clock: the request's arguments checked against every tool's
   * input schema, turned into a tree, a correlation id chosen, and a result with structured content
   * converted for the SDK. No tool is called.
   *
   * @return that result, for the caller to serialize as the transport would
   */
  CallToolResult prepareFirstCall(
      List<SyncToolSpecification> specifications, CallToolRequest request) {
    ObjectNode arguments = argumentsOf(request);
    for (SyncToolSpecification specification : specifications) {
      String name = specification.tool().name();
      ArgumentCheck check = checks.get(name);
      if (check != null) {
        try {
          check.problems(arguments);
        } catch (RuntimeException e) {
          log.debug("preparing the input schema check of {} failed: {}", name, e.toString());
        }
      }
    }
    String correlationId = CorrelationIds.choose(request.meta());
    ObjectNode structured = json.createObjectNode().put("text", "").put("flag", false);
    structured.putArray("list").addObject().put("number", 1).putNull("none");
    return toSdk(ToolResult.of("", structured), correlationId);
  }

  private static String invalidArguments(Tool tool, ArgumentCheck check, ObjectNode arguments) {
    if (check == null) {
      return null;
    }
    Optional<String> problems;
    try {
      problems = check.problems(arguments);
    } catch (RuntimeException e) {
      // A validator defect must not block the call; the tool checks its arguments itself.
      log.warn("input schema check of {} failed: {}", tool.name(), e.toString());
      return null;
    }
    return problems.map(p -> "invalid arguments for " + tool.name() + ": " + p).orElse(null);
  }

  private static void restore(String key, String previous) {
    if (previous == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, previous);
    }
  }

  private static long elapsedMillis(long started) {
    return (System.nanoTime() - started) / 1_000_000;
  }

  private ObjectNode argumentsOf(CallToolRequest request) {
    Map<String, Object> arguments = request.arguments();
    if (arguments == null) {
      return json.createObjectNode();
    }
    return json.valueToTree(arguments);
  }

  @SuppressWarnings("unchecked")
  private CallToolResult toSdk(ToolResult result, String correlationId) {
    CallToolResult.Builder builder =
        CallToolResult.builder()
            .addTextContent(result.text())
            .isError(result.isError())
            .meta(Map.of(CorrelationIds.KEY, correlationId));
    JsonNode structured = result.structuredContent();
    if (structured != null && structured.isObject()) {
      builder.structuredContent(json.convertValue(structured, Map.class));
    }
    return builder.build();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> asMap(ObjectNode schema) {
    return json.convertValue(schema, Map.class);
  }
}
