package dev.comfyagent.instrument;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The package map lives in the code: every package of the agent (sub-packages included) has a
 * {@code package-info.java} saying what it is for, what it may import and how to start using it;
 * what it says it may import is checked against the compiled classes; and docs/architecture.md
 * links to each rather than repeating them.
 */
class PackageMapTest {

  private static final String ROOT = "dev.comfyagent.instrument";
  private static final Path SOURCES =
      moduleDir().resolve("src/main/java/dev/comfyagent/instrument");
  // a name in {@code ...}, which the formatter may wrap onto the next " * " line
  private static final Pattern CODE = Pattern.compile("\\{@code[\\s*]+([\\w.]+)}");

  private static JavaClasses agentClasses;

  /** The module's folder: the working directory, or beside it when the suite runs elsewhere. */
  private static Path moduleDir() {
    Path here = Path.of("").toAbsolutePath();
    return Files.isDirectory(here.resolve("src/main/java/dev/comfyagent/instrument"))
        ? here
        : here.resolveSibling("instrument-javaagent");
  }

  /** Every package folder of the agent, the root included, as paths relative to the root. */
  static List<String> packages() throws IOException {
    try (Stream<Path> dirs = Files.walk(SOURCES)) {
      return dirs.filter(Files::isDirectory)
          .map(dir -> SOURCES.relativize(dir).toString().replace('\\', '/'))
          .sorted()
          .toList();
    }
  }

  @Test
  void everyPackageSaysWhatItIsForWhatItMayImportAndHowToUseIt() throws IOException {
    List<String> packages = packages();

    assertThat(packages).hasSizeGreaterThanOrEqualTo(16).contains("", "hooks/gpu", "export/otlp");
    for (String pkg : packages) {
      Path info = SOURCES.resolve(pkg).resolve("package-info.java");
      assertThat(info).as("package-info of %s", name(pkg)).exists();
      String text = Files.readString(info, StandardCharsets.UTF_8);
      assertThat(text)
          .as("%s", info)
          .contains("May import:")
          .contains("<pre>{@code")
          .contains("package " + name(pkg) + ";");
    }
  }

  @ParameterizedTest
  @MethodSource("packages")
  void aPackageDependsOnNoAgentPackageItsPackageInfoLeavesOut(String pkg) throws IOException {
    onlyDependsOn(name(pkg), mayImport(pkg)).check(agentClasses());
  }

  @Test
  void aPackageInfoThatLeavesOutADependencyFailsTheCheck() throws IOException {
    Set<String> withoutRecord = mayImport("weave");
    assertThat(withoutRecord.remove(ROOT + ".record")).isTrue();

    assertThatThrownBy(() -> onlyDependsOn(ROOT + ".weave", withoutRecord).check(agentClasses()))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(ROOT + ".record");
    assertThat(mayImportOf("<p>May import: {@code record}, {@code java.net.http}, {@code Foo}.\n"))
        .containsExactly(ROOT + ".record");
  }

  /** No class of {@code name} depends on an agent package outside itself and {@code allowed}. */
  private static ArchRule onlyDependsOn(String name, Set<String> allowed) {
    Set<String> packages = new TreeSet<>(allowed);
    packages.add(name);
    return noClasses()
        .that()
        .resideInAPackage(name)
        .should()
        .dependOnClassesThat(
            resideInAPackage(ROOT + "..")
                .and(DescribedPredicate.not(resideInAnyPackage(packages.toArray(new String[0])))))
        .because("package-info.java of " + name + " says it may import only " + allowed)
        .allowEmptyShould(true);
  }

  @Test
  void theArchitecturePageLinksToEveryPackageInfo() throws IOException {
    String page =
        Files.readString(
            moduleDir().resolveSibling("docs").resolve("architecture.md"), StandardCharsets.UTF_8);

    for (String pkg : packages()) {
      assertThat(page)
          .contains(
              "](../instrument-javaagent/src/main/java/dev/comfyagent/instrument/"
                  + (pkg.isEmpty() ? "" : pkg + "/")
                  + "package-info.java)");
    }
  }

  /** The agent packages (full names) that the package-info of {@code pkg} says it may import. */
  private static Set<String> mayImport(String pkg) throws IOException {
    return mayImportOf(
        Files.readString(
            SOURCES.resolve(pkg).resolve("package-info.java"), StandardCharsets.UTF_8));
  }

  /**
   * The agent packages named in {@code {@code ...}} in the "May import:" paragraph: relative names
   * ({@code hooks.gpu}) or the root's full name; other names there (classes, JDK modules) are not
   * agent packages and are left out.
   */
  static Set<String> mayImportOf(String packageInfo) {
    int start = packageInfo.indexOf("May import:");
    int end = packageInfo.indexOf("<p>", start);
    String paragraph = packageInfo.substring(start, end < 0 ? packageInfo.length() : end);
    Set<String> names = new TreeSet<>();
    Matcher code = CODE.matcher(paragraph);
    while (code.find()) {
      String token = code.group(1);
      String full = token.equals(ROOT) ? ROOT : ROOT + "." + token;
      if (token.equals(ROOT) || Files.isDirectory(SOURCES.resolve(token.replace('.', '/')))) {
        names.add(full);
      }
    }
    return names;
  }

  private static String name(String pkg) {
    return pkg.isEmpty() ? ROOT : ROOT + "." + pkg.replace('/', '.');
  }

  private static synchronized JavaClasses agentClasses() {
    if (agentClasses == null) {
      agentClasses =
          new ClassFileImporter()
              .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
              .importPackages(ROOT);
    }
    return agentClasses;
  }
}
