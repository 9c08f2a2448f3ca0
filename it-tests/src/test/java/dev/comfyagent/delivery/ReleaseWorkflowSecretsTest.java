package dev.comfyagent.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How the workflows hold their secrets: in {@code release.yml} no secret (nor the job's token) is
 * visible to a step that runs tests or installs packages (a Maven run that may download, npm, a
 * toolchain set-up), through the workflow's, the job's or the step's {@code env} or its {@code
 * with}; every job names its own least permissions; and in both workflows every checkout keeps no
 * credentials and every action is pinned by a full commit SHA with its tag in a comment.
 */
class ReleaseWorkflowSecretsTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Path WORKFLOWS = ProjectTree.root().resolve(".github/workflows");
  private static final Pattern SECRET = Pattern.compile("secrets\\.|github\\.token|GITHUB_TOKEN");

  /** A Maven run that is not offline may download plugins and libraries: it installs packages. */
  private static final Pattern MAVEN = Pattern.compile("(^|[\\s;&|(])(\\./)?mvnw?(\\.cmd)?\\s");

  private static final Pattern INSTALLS =
      Pattern.compile(
          "\\b(npm|npx|yarn|pip3?|apt-get|apt|gradlew?|brew|curl[^\\n]*\\|\\s*(ba)?sh)\\b"
              + "|\\bdocker\\s+(build|compose|run)\\b");
  private static final Pattern USES_PINNED =
      Pattern.compile("uses:\\s*([\\w.-]+/[\\w./-]+)@([0-9a-f]{40}) # v\\d+(\\.\\d+)*\\s*$");

  @Test
  void noSecretReachesAStepThatRunsTestsOrInstallsPackages() throws IOException {
    List<String> exposed = exposedSecrets(read("release.yml"));

    assertThat(exposed).isEmpty();
  }

  @Test
  void theReleaseStillHandsItsSecretsToTheStepThatPublishes() throws IOException {
    JsonNode release = read("release.yml");
    List<String> holders = new ArrayList<>();
    forEachStep(
        release,
        (job, index, step, secrets) -> {
          if (!secrets.isEmpty()) {
            holders.add(job + " step " + index + " " + secrets);
          }
        });

    assertThat(holders)
        .as("steps that see a secret")
        .anyMatch(h -> h.startsWith("publish ") && h.contains("MAVEN_GPG_PRIVATE_KEY"));
  }

  @Test
  void aReleaseThatRunsItsTestsWithTheSecretsIsCaught() throws IOException {
    // The release.yml of before: one job that tested, signed and published with every secret.
    JsonNode old =
        YAML.readTree(
            """
            on: {push: {tags: ["v*"]}}
            jobs:
              publish:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/setup-node@v6
                  - name: Build, test, sign and publish
                    env:
                      MAVEN_GPG_KEY: ${{ secrets.MAVEN_GPG_PRIVATE_KEY }}
                    run: ./mvnw -Prelease deploy
            """);

    assertThat(exposedSecrets(old))
        .singleElement()
        .asString()
        .contains("publish step 2")
        .contains("MAVEN_GPG_KEY");
  }

  @Test
  void everyReleaseJobNamesItsOwnPermissionsAndTheWorkflowGrantsNone() throws IOException {
    JsonNode release = read("release.yml");

    assertThat(release.path("permissions").isObject() && release.path("permissions").isEmpty())
        .as("workflow-level permissions: {}")
        .isTrue();
    release
        .path("jobs")
        .properties()
        .forEach(
            job ->
                assertThat(job.getValue().path("permissions").isObject())
                    .as("job %s names its permissions", job.getKey())
                    .isTrue());
    assertThat(release.path("jobs").path("build").path("permissions").path("contents").asText())
        .isEqualTo("read");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ci.yml", "release.yml"})
  void checkoutsKeepNoCredentialsAndActionsArePinnedBySha(String file) throws IOException {
    JsonNode workflow = read(file);
    List<String> problems = new ArrayList<>();
    forEachStep(
        workflow,
        (job, index, step, secrets) -> {
          String uses = step.path("uses").asText("");
          if (uses.startsWith("actions/checkout@")
              && !step.path("with").path("persist-credentials").asText().equals("false")) {
            problems.add(job + " step " + index + ": checkout without persist-credentials: false");
          }
        });
    for (String line : Files.readAllLines(WORKFLOWS.resolve(file), StandardCharsets.UTF_8)) {
      if (line.strip().startsWith("- uses:") || line.strip().startsWith("uses:")) {
        Matcher pinned = USES_PINNED.matcher(line.strip().replaceFirst("^- ", ""));
        if (!pinned.matches()) {
          problems.add("not pinned by a commit SHA with its tag in a comment: " + line.strip());
        }
      }
    }

    assertThat(problems).isEmpty();
  }

  /** Steps that run tests or install packages while a secret is visible to them. */
  static List<String> exposedSecrets(JsonNode workflow) {
    List<String> exposed = new ArrayList<>();
    forEachStep(
        workflow,
        (job, index, step, secrets) -> {
          if (!secrets.isEmpty() && testsOrInstalls(step)) {
            exposed.add(
                job
                    + " step "
                    + index
                    + " ("
                    + step.path("name").asText(step.path("uses").asText("unnamed"))
                    + ") sees "
                    + secrets);
          }
        });
    return exposed;
  }

  private static boolean testsOrInstalls(JsonNode step) {
    String uses = step.path("uses").asText("");
    if (uses.startsWith("actions/setup-") || uses.startsWith("docker/build-push-action")) {
      return true;
    }
    String run = step.path("run").asText("");
    for (String line : run.split("\\R")) {
      boolean offlineMaven = line.matches(".*\\s(-o|--offline)(\\s.*|$)");
      if ((MAVEN.matcher(" " + line + " ").find() && !offlineMaven)
          || INSTALLS.matcher(line).find()) {
        return true;
      }
    }
    return false;
  }

  interface StepVisitor {
    void visit(String job, int index, JsonNode step, List<String> visibleSecrets);
  }

  private static void forEachStep(JsonNode workflow, StepVisitor visitor) {
    List<String> workflowSecrets = secretsIn(workflow.path("env"));
    workflow
        .path("jobs")
        .properties()
        .forEach(
            job -> {
              List<String> jobSecrets = new ArrayList<>(workflowSecrets);
              jobSecrets.addAll(secretsIn(job.getValue().path("env")));
              int index = 0;
              for (JsonNode step : job.getValue().path("steps")) {
                index++;
                List<String> visible = new ArrayList<>(jobSecrets);
                visible.addAll(secretsIn(step.path("env")));
                visible.addAll(secretsIn(step.path("with")));
                visitor.visit(job.getKey(), index, step, visible);
              }
            });
  }

  private static List<String> secretsIn(JsonNode map) {
    List<String> found = new ArrayList<>();
    for (Map.Entry<String, JsonNode> entry : map.properties()) {
      if (SECRET.matcher(entry.getValue().asText("")).find()) {
        found.add(entry.getKey() + "=" + entry.getValue().asText());
      }
    }
    return found;
  }

  private static JsonNode read(String file) throws IOException {
    return YAML.readTree(WORKFLOWS.resolve(file).toFile());
  }
}
