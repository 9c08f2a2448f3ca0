package dev.comfyagent.runtime.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfyagent.runtime.discover.NodeCatalog;
import dev.comfyagent.runtime.discover.NodeDefinitions;
import dev.comfyagent.runtime.files.AllowedRoots;
import dev.comfyagent.runtime.session.SessionRegistry;
import dev.comfyagent.runtime.tool.InputSchema;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.workflow.WorkflowTools;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Argument errors are one short line each: the argument, what was expected, what came; never the
 * schema. Checked against the runtime's own tool schemas.
 */
class ArgumentCheckTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Map<String, Tool> TOOLS =
      WorkflowTools.create(
              new SessionRegistry(50),
              NodeCatalog.fixed(NodeDefinitions.parse(JSON.createObjectNode())),
              dev.comfyagent.runtime.discover.ManagerNodeMap.none("not part of this test"),
              AllowedRoots.of(java.util.List.of(java.nio.file.Path.of(""))))
          .stream()
          .collect(Collectors.toMap(Tool::name, Function.identity()));

  private static final JsonNode SEARCH_LIKE =
      InputSchema.object()
          .requiredString("query", "what")
          .optionalInteger("limit", "how many", 1, 100)
          .optionalEnum("kind", "which", "installed", "all")
          .build();

  private static Optional<String> check(JsonNode schema, String arguments) throws Exception {
    return ArgumentCheck.of(schema).problems(JSON.readTree(arguments));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "{\"query\": 42}|argument 'query' must be a string, got the number 42",
        "{}|argument 'query' is required",
        "{\"query\": \"x\", \"limit\": 0}|argument 'limit' must be at least 1, got the number 0",
        "{\"query\": \"x\", \"limit\": 101}|argument 'limit' must be at most 100, got the number 101",
        "{\"query\": \"x\", \"limit\": 2.5}|argument 'limit' must be a whole number, got the number"
            + " 2.5",
        "{\"query\": \"x\", \"kind\": \"some\"}|argument 'kind' must be one of installed, all, got"
            + " the string \"some\"",
        "{\"query\": \"x\", \"qurey\": 1}|unknown argument 'qurey'; the arguments are: query, limit,"
            + " kind",
        "{\"query\": [1]}|argument 'query' must be a string, got an array",
      })
  void namesTheArgumentWhatWasExpectedAndWhatCame(String arguments, String message)
      throws Exception {
    assertThat(check(SEARCH_LIKE, arguments)).contains(message);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "{\"patch\": 3}|argument 'patch' must be an array or a string, got the number 3",
        "{\"patch\": [3]}|argument 'patch[0]' must be an object, got the number 3",
        "{\"patch\": [{\"op\": \"zap\", \"path\": \"/1\"}]}|argument 'patch[0].op' must be one of"
            + " add, remove, replace, move, copy, test, got the string \"zap\"",
        "{\"patch\": [{\"op\": \"remove\"}]}|argument 'patch[0].path' is required",
      })
  void namesTheFieldInsideAPatch(String arguments, String message) throws Exception {
    String problems =
        check(TOOLS.get("apply_workflow_patch").inputSchema(), arguments).orElseThrow();

    assertThat(problems).startsWith(message).doesNotContain("\"type\"").hasSizeLessThan(200);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "apply_workflow_patch|{\"patch\": \"[{\\\"op\\\": \\\"remove\\\", \\\"path\\\": \\\"/1\\\"}]\"}",
        "preview_workflow_patch|{\"patch\": \"[]\"}",
        "apply_workflow_patch|{\"patch\": [{\"op\": \"remove\", \"path\": \"/1\"}]}",
      })
  void acceptsAPatchAsTheArrayOrAsAStringHoldingItAsTheDescriptionSays(
      String tool, String arguments) throws Exception {
    JsonNode schema = TOOLS.get(tool).inputSchema();

    assertThat(check(schema, arguments)).isEmpty();
    assertThat(schema.path("properties").path("patch").path("description").asText())
        .contains("a JSON string");
  }
}
