package dev.comfyagent.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.comfyagent.delivery.CommandRun;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;

/**
 * {@code scripts/BumpVersion.java} against temporary git repositories shaped like this project: a
 * parent pom with modules (one nested), Conventional Commits since a tag, a Keep a Changelog file.
 */
class BumpVersionTest {

  private static final String REPO_URL = "https://github.com/acme/widget";

  @TempDir static Path scratch;
  private static BumpVersionScript script;

  @BeforeAll
  static void compileScript() {
    assumeTrue(CommandRun.onPath("git"), "git is not installed; the release script needs it");
    script = BumpVersionScript.compile(scratch);
  }

  /** One minor release of a repository with every kind of commit, checked from every side. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class MinorReleaseAfterATag {

    private ScratchRepository repo;
    private CommandRun.Result result;
    private String changelog;

    @BeforeAll
    void release(@TempDir Path dir) {
      repo = ScratchRepository.init(dir);
      writeProject(repo, "1.2.0", "1.2.0");
      repo.write("CHANGELOG.md", changelogWithUnreleased());
      repo.commit("feat: an old feature, released in 1.2.0").tag("v1.2.0");
      repo.commit("feat(runtime): add the search_nodes tool");
      repo.commit("fix: keep the undo history after a failed patch");
      repo.commit("perf(agent): record latency without allocating");
      repo.commit("refactor: split the workflow validator");
      repo.commit("docs: explain sessions");
      repo.commit("test: cover the patcher");
      repo.commit("chore: tidy the build");
      repo.commit("ci: cache the NVD data");
      repo.commit("feat(api)!: rename the path argument of load_workflow to file");
      repo.commit(
          """
          fix(sessions): write session files atomically

          A crash mid-write no longer leaves a torn file.

          BREAKING CHANGE: session files now carry schema version 2;
          older files are migrated when loaded.
          Reviewed-by: Someone
          """);
      repo.commit("Update README");
      repo.commit("feat: a render queue view");

      result = script.run(repo.root(), repo.gitEnvironment(), "minor", "--date", "2026-03-14");
      assertThat(result.exitCode()).as(result.describe()).isZero();
      changelog = repo.read("CHANGELOG.md");
    }

    @Test
    void tagsACommitWhoseRevisionIsTheRelease() {
      assertThat(revision(repo.git("show", "v1.3.0:pom.xml"))).isEqualTo("1.3.0");
      assertThat(repo.git("log", "-1", "--format=%s", "v1.3.0").strip())
          .isEqualTo("chore(release): v1.3.0");
    }

    @Test
    void movesOnToTheNextSnapshotAfterTheTag() {
      assertThat(revision(repo.read("pom.xml"))).isEqualTo("1.3.1-SNAPSHOT");
      assertThat(repo.git("log", "-1", "--format=%s").strip())
          .isEqualTo("chore(release): start 1.3.1-SNAPSHOT");
      assertThat(repo.git("rev-parse", "HEAD~1").strip())
          .isEqualTo(repo.git("rev-parse", "v1.3.0^{commit}").strip());
      assertThat(repo.status()).isEmpty();
    }

    @Test
    void changesOnlyTheRevisionAndTheTimestampOfThePoms() {
      assertThat(repo.git("show", "v1.3.0:pom.xml"))
          .isEqualTo(rootPom("1.3.0", "2026-03-14T00:00:00Z"));
      assertThat(repo.git("diff", "--name-only", "v1.2.0", "HEAD").lines())
          .containsExactlyInAnyOrder("pom.xml", "CHANGELOG.md");
    }

    @Test
    void setsTheBuildTimestampToTheReleaseDate() {
      assertThat(repo.git("show", "v1.3.0:pom.xml"))
          .contains(
              "<project.build.outputTimestamp>2026-03-14T00:00:00Z</project.build.outputTimestamp>");
    }

    @Test
    void rollsUnreleasedIntoADatedSectionUnderAnEmptyUnreleased() {
      assertThat(changelog).contains("## [Unreleased]\n\n## [1.3.0] - 2026-03-14\n\n### Added\n");
    }

    @Test
    void sortsCommitsIntoSectionsByType() {
      assertThat(section("Added"))
          .contains("- **runtime:** add the search_nodes tool ([")
          .contains("- **api:** rename the path argument of load_workflow to file ([");
      assertThat(section("Fixed"))
          .contains("- keep the undo history after a failed patch ([")
          .contains("- **sessions:** write session files atomically ([");
      assertThat(section("Changed")).contains("- **agent:** record latency without allocating ([");
    }

    @Test
    void linksEachGeneratedEntryToItsCommit() {
      String hash = repo.git("log", "-1", "--format=%H", "--grep=search_nodes").strip();
      assertThat(section("Added"))
          .contains("([" + hash.substring(0, 7) + "](" + REPO_URL + "/commit/" + hash + "))");
    }

    @Test
    void listsBreakingChangesUnderChangedFromTheBangAndFromTheFooter() {
      assertThat(section("Changed"))
          .contains("- **BREAKING** **api:** rename the path argument of load_workflow to file")
          .contains(
              "- **BREAKING** **sessions:** session files now carry schema version 2; older files"
                  + " are migrated when loaded. ([")
          .doesNotContain("Reviewed-by");
    }

    @Test
    void usesOnlyKeepAChangelogSections() {
      assertThat(releaseSection().lines().filter(l -> l.startsWith("### ")))
          .allMatch(
              l ->
                  java.util.List.of(
                          "### Added",
                          "### Changed",
                          "### Deprecated",
                          "### Removed",
                          "### Fixed",
                          "### Security")
                      .contains(l));
    }

    @Test
    void leavesOutCommitsUsersDoNotNotice() {
      assertThat(releaseSection())
          .doesNotContain("split the workflow validator")
          .doesNotContain("explain sessions")
          .doesNotContain("cover the patcher")
          .doesNotContain("tidy the build")
          .doesNotContain("cache the NVD data")
          .doesNotContain("Update README");
    }

    @Test
    void namesTheCommitsThatAreNotConventional() {
      assertThat(result.stdout()).contains("not Conventional Commits").contains("Update README");
    }

    @Test
    void startsAfterTheLastTag() {
      assertThat(releaseSection()).doesNotContain("an old feature");
    }

    @Test
    void keepsHandWrittenLinesAndDoesNotRepeatThemFromCommits() {
      assertThat(section("Added")).contains("- A render queue view, shown in the status bar.");
      assertThat(releaseSection()).doesNotContainPattern("(?i)- a render queue view \\(");
    }

    @Test
    void keepsHandWrittenSectionsNoCommitFills() {
      assertThat(section("Security"))
          .contains("- Session names can no longer escape SESSIONS_DIR.");
    }

    @Test
    void keepsOlderReleasesAsTheyWere() {
      assertThat(changelog).contains("## [1.2.0] - 2026-01-10\n\n### Added\n\n- First release.\n");
    }

    @Test
    void updatesTheCompareLinks() {
      assertThat(changelog)
          .endsWith(
              "[Unreleased]: "
                  + REPO_URL
                  + "/compare/v1.3.0...HEAD\n[1.3.0]: "
                  + REPO_URL
                  + "/compare/v1.2.0...v1.3.0\n[1.2.0]: "
                  + REPO_URL
                  + "/releases/tag/v1.2.0\n");
    }

    @Test
    void tellsTheOnePushThatPublishes() {
      assertThat(result.stdout()).contains("git push --atomic origin HEAD v1.3.0");
    }

    private String releaseSection() {
      int start = changelog.indexOf("## [1.3.0]");
      return changelog.substring(start, changelog.indexOf("## [1.2.0]"));
    }

    private String section(String name) {
      String release = releaseSection();
      int start = release.indexOf("### " + name + "\n");
      assertThat(start).as("section %s in\n%s", name, release).isNotNegative();
      int end = release.indexOf("### ", start + 4);
      return release.substring(start, end < 0 ? release.length() : end);
    }
  }

  @ParameterizedTest(name = "{0} bumped by {1} is released as {2}")
  @CsvSource({
    "1.2.3, major, 2.0.0",
    "1.2.3, minor, 1.3.0",
    "1.2.3, patch, 1.2.4",
    "0.2.0-SNAPSHOT, major, 1.0.0",
    "0.2.0-SNAPSHOT, minor, 0.2.0",
    "0.2.0-SNAPSHOT, patch, 0.2.0",
    "0.2.1-SNAPSHOT, minor, 0.3.0",
    "1.0.0-SNAPSHOT, major, 1.0.0",
    "1.0.0-rc.1, patch, 1.0.0",
  })
  void computesTheReleaseVersionWithSemverPreReleaseRules(
      String from, String bump, String expected, @TempDir Path dir) {
    ScratchRepository repo = projectAt(dir, from);

    CommandRun.Result result = script.run(repo.root(), repo.gitEnvironment(), bump);

    assertThat(result.exitCode()).as(result.describe()).isZero();
    assertThat(revision(repo.git("show", "v" + expected + ":pom.xml"))).isEqualTo(expected);
  }

  @Test
  void runsWithTheJavaSourceLauncherAsDocumented(@TempDir Path dir) {
    ScratchRepository repo = projectAt(dir, "0.1.0-SNAPSHOT");

    CommandRun.Result result =
        BumpVersionScript.runFromSource(repo.root(), repo.gitEnvironment(), "minor");

    assertThat(result.exitCode()).as(result.describe()).isZero();
    assertThat(revision(repo.git("show", "v0.1.0:pom.xml"))).isEqualTo("0.1.0");
    assertThat(revision(repo.read("pom.xml"))).isEqualTo("0.1.1-SNAPSHOT");
  }

  @Test
  void writesNothingOnADryRun(@TempDir Path dir) {
    ScratchRepository repo = projectAt(dir, "1.2.0");
    repo.commit("feat: something new");

    CommandRun.Result result =
        script.run(
            repo.root(), repo.gitEnvironment(), "patch", "--dry-run", "--date", "2026-05-01");

    assertThat(result.exitCode()).as(result.describe()).isZero();
    assertThat(repo.status()).isEmpty();
    assertThat(repo.git("tag", "--list", "v1.2.1")).isBlank();
    assertThat(result.stdout())
        .contains("1.2.0 -> 1.2.1")
        .contains("then 1.2.2-SNAPSHOT")
        .contains("would update pom.xml")
        .contains("## [1.2.1] - 2026-05-01")
        .contains("- something new");
  }

  @Test
  void worksWithoutAnyEarlierTag(@TempDir Path dir) {
    ScratchRepository repo = projectAt(dir, "0.1.0-SNAPSHOT");
    repo.commit("feat: the first tool");

    CommandRun.Result result =
        script.run(repo.root(), repo.gitEnvironment(), "minor", "--date", "2026-02-02");

    assertThat(result.exitCode()).as(result.describe()).isZero();
    assertThat(repo.read("CHANGELOG.md"))
        .contains("- the first tool")
        .contains("[0.1.0]: " + REPO_URL + "/releases/tag/v0.1.0");
  }

  @Test
  void refusesADirtyTreeAndChangesNothing(@TempDir Path dir) {
    ScratchRepository repo = projectAt(dir, "1.2.0");
    repo.write("core/pom.xml", repo.read("core/pom.xml") + "<!-- local edit -->\n");

    CommandRun.Result result = script.run(repo.root(), repo.gitEnvironment(), "patch");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderr()).contains("uncommitted changes").contains("core/pom.xml");
    assertThat(revision(repo.read("pom.xml"))).isEqualTo("1.2.0");
  }

  @Test
  void acceptsADirtyTreeWhenAllowed(@TempDir Path dir) {
    ScratchRepository repo = projectAt(dir, "1.2.0");
    repo.write("core/pom.xml", repo.read("core/pom.xml") + "<!-- local edit -->\n");

    CommandRun.Result result =
        script.run(repo.root(), repo.gitEnvironment(), "patch", "--allow-dirty");

    assertThat(result.exitCode()).as(result.describe()).isZero();
    assertThat(revision(repo.git("show", "v1.2.1:pom.xml"))).isEqualTo("1.2.1");
    assertThat(repo.read("core/pom.xml")).endsWith("<!-- local edit -->\n");
  }

  @Test
  void refusesToRunOutsideAGitRepository(@TempDir Path dir) throws Exception {
    Path plain = Files.createDirectories(dir.resolve("not-a-repo"));
    Map<String, String> env = Map.of("GIT_CEILING_DIRECTORIES", dir.toString());

    CommandRun.Result result = script.run(plain, env, "patch");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderr()).contains("is not inside a git repository");
  }

  @Test
  void refusesAChangelogWithoutUnreleasedAndChangesNoPom(@TempDir Path dir) {
    ScratchRepository repo = projectAt(dir, "1.2.0");
    repo.write("CHANGELOG.md", "# Changelog\n\n## [1.2.0] - 2026-01-10\n\n- First release.\n");
    repo.commit("docs: drop the unreleased section");

    CommandRun.Result result = script.run(repo.root(), repo.gitEnvironment(), "minor");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderr()).contains("no '## [Unreleased]' section");
    assertThat(repo.status()).isEmpty();
  }

  @Test
  void refusesAVersionThatWasAlreadyTagged(@TempDir Path dir) {
    ScratchRepository repo = projectAt(dir, "1.2.0");
    repo.tag("v1.3.0");

    CommandRun.Result result = script.run(repo.root(), repo.gitEnvironment(), "minor");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderr()).contains("tag v1.3.0 already exists");
  }

  @Test
  void refusesARootPomWhoseVersionIsNotTheRevisionProperty(@TempDir Path dir) {
    ScratchRepository repo = projectAt(dir, "1.2.0");
    repo.write(
        "pom.xml",
        repo.read("pom.xml").replace("<version>${revision}</version>", "<version>1.2.0</version>"));
    repo.commit("build: a literal version");

    CommandRun.Result result = script.run(repo.root(), repo.gitEnvironment(), "minor");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderr()).contains("the project's <version> must be ${revision}");
    assertThat(repo.status()).isEmpty();
  }

  @ParameterizedTest(name = "rejects {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "huge | unknown bump kind 'huge'",
        "--fast | unknown option '--fast'",
        "'' | which part to bump?",
        "minor --date 14.03.2026 | is not a date",
      })
  void rejectsABadCommandLineWithUsage(String arguments, String message, @TempDir Path dir) {
    ScratchRepository repo = projectAt(dir, "1.2.0");
    String[] args = arguments.isBlank() ? new String[0] : arguments.trim().split(" ");

    CommandRun.Result result = script.run(repo.root(), repo.gitEnvironment(), args);

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr()).contains(message).contains("usage: java scripts/BumpVersion.java");
    assertThat(repo.status()).isEmpty();
  }

  // --- fixtures -------------------------------------------------------------------------------

  private static ScratchRepository projectAt(Path dir, String version) {
    ScratchRepository repo = ScratchRepository.init(dir);
    writeProject(repo, version, version);
    repo.write("CHANGELOG.md", changelogWithUnreleased());
    repo.commit("build: project at " + version);
    return repo;
  }

  private static void writeProject(ScratchRepository repo, String version, String cliVersion) {
    repo.write("pom.xml", rootPom(version, "2026-01-10T00:00:00Z"));
    repo.write("core/pom.xml", corePom("${revision}"));
    repo.write("core/engine/pom.xml", enginePom("${revision}"));
    repo.write("cli/pom.xml", modulePom("cli", "${revision}", cliVersion));
  }

  private static String rootPom(String version, String timestamp) {
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <!-- The <revision> below is the one the release script sets. -->
          <groupId>com.acme</groupId>
          <artifactId>widget-parent</artifactId>
          <version>${revision}</version>
          <packaging>pom</packaging>
          <url>%s</url>

          <modules>
            <module>core</module>
            <module>cli</module>
          </modules>

          <properties>
            <revision>%s</revision>
            <project.build.outputTimestamp>%s</project.build.outputTimestamp>
          </properties>

          <dependencyManagement>
            <dependencies>
              <dependency>
                <groupId>org.example</groupId>
                <artifactId>same-number</artifactId>
                <version>1.2.0</version>
              </dependency>
            </dependencies>
          </dependencyManagement>
        </project>
        """
        .formatted(REPO_URL, version, timestamp);
  }

  private static String corePom(String version) {
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <parent>
            <groupId>com.acme</groupId>
            <artifactId>widget-parent</artifactId>
            <version>%s</version>
          </parent>
          <artifactId>core</artifactId>
          <packaging>pom</packaging>
          <modules>
            <module>engine</module>
          </modules>
          <dependencies>
            <dependency>
              <groupId>org.example</groupId>
              <artifactId>other-lib</artifactId>
              <version>1.2.0</version>
            </dependency>
          </dependencies>
        </project>
        """
        .formatted(version);
  }

  private static String enginePom(String version) {
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <parent>
            <groupId>com.acme</groupId>
            <artifactId>core</artifactId>
            <version>%s</version>
          </parent>
          <artifactId>engine</artifactId>
        </project>
        """
        .formatted(version);
  }

  private static String modulePom(String artifactId, String parentVersion, String ownVersion) {
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <parent>
            <groupId>com.acme</groupId>
            <artifactId>widget-parent</artifactId>
            <version>%s</version>
          </parent>
          <artifactId>%s</artifactId>
          <version>%s</version>
        </project>
        """
        .formatted(parentVersion, artifactId, ownVersion);
  }

  private static String changelogWithUnreleased() {
    return """
        # Changelog

        ## [Unreleased]

        ### Added

        - A render queue view, shown in the status bar.

        ### Security

        - Session names can no longer escape SESSIONS_DIR.

        ## [1.2.0] - 2026-01-10

        ### Added

        - First release.

        [Unreleased]: %1$s/compare/v1.2.0...HEAD
        [1.2.0]: %1$s/releases/tag/v1.2.0
        """
        .formatted(REPO_URL);
  }

  private static String revision(String pom) {
    return xpath(pom, "/project/properties/revision");
  }

  private static String xpath(String xml, String path) {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      Document document =
          factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
      return XPathFactory.newInstance().newXPath().evaluate(path, document).strip();
    } catch (Exception e) {
      throw new AssertionError("cannot read " + path + " from\n" + xml, e);
    }
  }
}
