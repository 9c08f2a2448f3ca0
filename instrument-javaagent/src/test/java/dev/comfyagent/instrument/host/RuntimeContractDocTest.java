package dev.comfyagent.instrument.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfyagent.instrument.host.RuntimeContract.Name;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The table "Contracts the agent relies on" in docs/architecture.md is {@link RuntimeContract}'s
 * list, row for row: a name added to, changed in or dropped from the list fails here until the
 * table says the same (the failure shows the rows to paste).
 */
class RuntimeContractDocTest {

  private static final Path ARCHITECTURE = Path.of("../docs/architecture.md");
  private static final String HEADING = "### Contracts the agent relies on";

  @Test
  void theArchitectureTableListsExactlyTheContractsNames() throws IOException {
    List<String> expected =
        RuntimeContract.names().stream().map(RuntimeContractDocTest::row).toList();
    assertThat(documentedRows())
        .as(
            "rows of the table under '%s' in %s; expected:%n%s",
            HEADING, ARCHITECTURE, String.join("\n", expected))
        .containsExactlyElementsOf(expected);
  }

  @Test
  void everyNameIsAnAgentRuntimeNameOrItsText() {
    assertThat(RuntimeContract.names())
        .isNotEmpty()
        .allSatisfy(
            name -> {
              assertThat(name.owner()).isNotBlank();
              assertThat(name.usedBy()).isNotBlank();
              if (name.shape() != RuntimeContract.Shape.TEXT
                  && name.shape() != RuntimeContract.Shape.SETTING
                  && name.shape() != RuntimeContract.Shape.JAR_NAME) {
                assertThat(name.owner()).startsWith(RuntimeContract.PACKAGE_PREFIX);
              }
            });
  }

  /** One row of the table, as the list renders it. */
  static String row(Name name) {
    String owner = name.owner();
    String member = name.member();
    String what =
        switch (name.shape()) {
          case CLASS -> "class `" + owner + "`";
          case MAIN_CLASS -> "main class `" + owner + "`";
          case INSTANCE_METHOD ->
              "method `"
                  + owner
                  + "#"
                  + member
                  + "`"
                  + (name.detail().isEmpty()
                      ? ""
                      : ", " + name.detail() + " parameters, returns a value");
          case ACCESSOR ->
              "method `" + owner + "#" + member + "()` returns `" + name.detail() + "`";
          case SIZE_METHOD ->
              "method `" + owner + "#" + member + "()` returns a number, a Collection or a Map";
          case RECORD_COMPONENT ->
              "record component `" + owner + "." + member + "` of type `" + name.detail() + "`";
          case SETTING ->
              "setting: flag `"
                  + owner
                  + "`, environment variable `"
                  + member
                  + "`, default `"
                  + name.detail()
                  + "`";
          case TEXT -> "text `\"" + owner + "\"` in the runtime's classes";
          case JAR_NAME -> "jar file name matching `" + owner + "`";
        };
    return "| " + what + " | " + name.usedBy() + " |";
  }

  private static List<String> documentedRows() throws IOException {
    List<String> lines = Files.readAllLines(ARCHITECTURE, StandardCharsets.UTF_8);
    int heading = lines.indexOf(HEADING);
    assertThat(heading).as("heading '%s' in %s", HEADING, ARCHITECTURE).isNotNegative();
    int start = heading + 1;
    while (start < lines.size() && !lines.get(start).startsWith("|")) {
      start++;
    }
    int end = start;
    while (end < lines.size() && lines.get(end).startsWith("|")) {
      end++;
    }
    // The header row and its separator are the table's, not the list's.
    return lines.subList(Math.min(start + 2, end), end);
  }
}
