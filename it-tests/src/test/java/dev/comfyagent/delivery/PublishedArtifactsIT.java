package dev.comfyagent.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfyagent.it.harness.PackagedJars;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What Maven Central gets: agent-runtime's main artifact is the plain jar whose pom names its real
 * dependencies (a project depending on it sees them in {@code mvn dependency:tree}), and every
 * published jar carries the Apache License text and no trace of the JDK that built it.
 *
 * <p>The dependency check builds a consumer project with the Maven wrapper against a private local
 * repository under {@code target/} (never the user's {@code ~/.m2}, which is only read, as a remote
 * repository, for the third-party libraries the build already downloaded).
 */
class PublishedArtifactsIT {

  private static final Duration MAVEN_TIMEOUT = Duration.ofMinutes(5);

  static Stream<Path> publishedJars() {
    return Stream.of(PackagedJars.agentJar(), runtimeLibraryJar(), PackagedJars.runtimeJar());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("publishedJars")
  void publishedJarCarriesTheApacheLicenseText(Path jar) throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      assertThat(file.getEntry("META-INF/LICENSE")).as("META-INF/LICENSE in %s", jar).isNotNull();
      String license =
          new String(
              file.getInputStream(file.getEntry("META-INF/LICENSE")).readAllBytes(),
              StandardCharsets.UTF_8);
      assertThat(license)
          .contains("Apache License")
          .contains("Version 2.0, January 2004")
          .contains("4. Redistribution.");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("publishedJars")
  void publishedJarNamesNoJdkInItsManifest(Path jar) throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      Attributes main = file.getManifest().getMainAttributes();
      List<String> names = main.keySet().stream().map(Object::toString).toList();
      assertThat(names).as("manifest of %s", jar).noneMatch(n -> n.startsWith("Build-Jdk"));
      String createdBy = main.getValue("Created-By");
      if (createdBy != null) {
        assertThat(createdBy)
            .as("Created-By of %s", jar)
            .doesNotContainPattern("\\d+\\.\\d+\\.\\d+")
            .doesNotContainIgnoringCase("jdk")
            .doesNotContain(System.getProperty("java.vendor"));
      }
    }
  }

  @Test
  void runtimeLibraryJarHoldsOnlyTheRuntimesOwnClasses() throws IOException {
    try (JarFile file = new JarFile(runtimeLibraryJar().toFile())) {
      List<String> foreign =
          file.stream()
              .map(e -> e.getName())
              .filter(n -> n.endsWith(".class"))
              .filter(n -> !n.startsWith("dev/comfyagent/runtime/"))
              .toList();
      assertThat(foreign).isEmpty();
      assertThat(file.getEntry("dev/comfyagent/runtime/tool/Tool.class")).isNotNull();
    }
  }

  @Test
  void projectDependingOnTheRuntimeGetsItsRealDependencies(@TempDir Path dir) throws IOException {
    Path root = ProjectTree.root();
    String version = System.getProperty("comfyagent.it.projectVersion");
    Path repository = Files.createDirectories(dir.resolve("repository"));
    Path settings = dir.resolve("settings.xml");
    Files.writeString(settings, settingsReading(userRepository()), StandardCharsets.UTF_8);

    // What deploy uploads: the poms the build's .buildinfo records (found by their sha512 among
    // the poms the build wrote), and the runtime's main jar.
    Path parentPom = publishedPom(root, "comfy-agent-parent", version);
    maven(
        dir,
        settings,
        repository,
        "install:install-file",
        "-Dfile=" + parentPom,
        "-DpomFile=" + parentPom);
    maven(
        dir,
        settings,
        repository,
        "install:install-file",
        "-Dfile=" + runtimeLibraryJar(),
        "-DpomFile=" + publishedPom(root.resolve("agent-runtime"), "agent-runtime", version));

    Path consumer = Files.createDirectories(dir.resolve("consumer"));
    Files.writeString(consumer.resolve("pom.xml"), consumerPom(version), StandardCharsets.UTF_8);
    Path tree = dir.resolve("tree.txt");
    maven(
        consumer,
        settings,
        repository,
        "dependency:tree",
        "-DoutputFile=" + tree,
        "-Dscope=compile");

    String text = Files.readString(tree, StandardCharsets.UTF_8);
    assertThat(text)
        .contains("dev.comfyagent:agent-runtime:jar:" + version + ":compile")
        .contains("io.modelcontextprotocol.sdk:mcp-core:jar:")
        .contains("io.modelcontextprotocol.sdk:mcp-json-jackson2:jar:")
        .contains("com.fasterxml.jackson.core:jackson-databind:jar:")
        .contains("io.projectreactor:reactor-core:jar:")
        .contains("info.picocli:picocli:jar:")
        .contains("ch.qos.logback:logback-classic:jar:")
        .contains("io.github.resilience4j:resilience4j-circuitbreaker:jar:");
  }

  /**
   * The pom that {@code deploy} uploads for {@code artifactId}: the one whose sha512 the build's
   * {@code .buildinfo} records, among the module's {@code pom.xml} and the poms its plugins wrote
   * to {@code target/} (flattened, dependency-reduced).
   */
  private static Path publishedPom(Path module, String artifactId, String version)
      throws IOException {
    Path buildinfo =
        ProjectTree.root().resolve("target/comfy-agent-parent-" + version + ".buildinfo");
    assertThat(buildinfo).as("the build's .buildinfo (maven-artifact-plugin)").isRegularFile();
    java.util.Properties info = new java.util.Properties();
    try (var in = Files.newBufferedReader(buildinfo, StandardCharsets.UTF_8)) {
      info.load(in);
    }
    String pomName = artifactId + "-" + version + ".pom";
    String key =
        info.stringPropertyNames().stream()
            .filter(k -> k.endsWith(".filename") && pomName.equals(info.getProperty(k)))
            .findFirst()
            .orElseThrow(() -> new AssertionError(buildinfo + " records no " + pomName));
    String sha512 = info.getProperty(key.replace(".filename", ".checksums.sha512"));
    List<Path> candidates = new ArrayList<>(List.of(module.resolve("pom.xml")));
    try (Stream<Path> files = Files.list(module.resolve("target"))) {
      files.filter(f -> f.getFileName().toString().endsWith(".xml")).forEach(candidates::add);
    }
    for (Path candidate : candidates) {
      if (sha512.equals(sha512(candidate))) {
        return candidate;
      }
    }
    throw new AssertionError(
        "none of " + candidates + " is the " + pomName + " recorded in " + buildinfo);
  }

  private static String sha512(Path file) throws IOException {
    try {
      return java.util.HexFormat.of()
          .formatHex(
              java.security.MessageDigest.getInstance("SHA-512").digest(Files.readAllBytes(file)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-512 is required of every JVM", e);
    }
  }

  private static Path runtimeLibraryJar() {
    String value = System.getProperty("comfyagent.it.runtimeLibraryJar");
    assertThat(value).as("system property comfyagent.it.runtimeLibraryJar").isNotBlank();
    return Path.of(value);
  }

  private static Path userRepository() {
    String value = System.getProperty("comfyagent.it.localRepository");
    assertThat(value).as("system property comfyagent.it.localRepository").isNotBlank();
    return Path.of(value);
  }

  private static void maven(
      Path directory, Path settings, Path repository, String goal, String... properties) {
    Path root = ProjectTree.root();
    List<String> command = new ArrayList<>();
    if (CommandRun.isWindows()) {
      command.addAll(List.of("cmd.exe", "/c", root.resolve("mvnw.cmd").toString()));
    } else {
      command.addAll(List.of("sh", root.resolve("mvnw").toString()));
    }
    command.addAll(
        List.of("-B", "-ntp", "-s", settings.toString(), "-Dmaven.repo.local=" + repository));
    command.add(goal);
    command.addAll(List.of(properties));
    CommandRun.Result run =
        CommandRun.run(directory, Map.of("JAVA_HOME", javaHome()), MAVEN_TIMEOUT, command);
    assertThat(run.exitCode()).as(run.describe()).isZero();
  }

  private static String javaHome() {
    return System.getProperty("java.home");
  }

  private static String settingsReading(Path userRepository) {
    return """
        <settings>
          <profiles>
            <profile>
              <id>read-the-build-cache</id>
              <repositories>
                <repository>
                  <id>build-cache</id>
                  <url>%1$s</url>
                </repository>
              </repositories>
              <pluginRepositories>
                <pluginRepository>
                  <id>build-cache</id>
                  <url>%1$s</url>
                </pluginRepository>
              </pluginRepositories>
            </profile>
          </profiles>
          <activeProfiles>
            <activeProfile>read-the-build-cache</activeProfile>
          </activeProfiles>
        </settings>
        """
        .formatted(userRepository.toUri());
  }

  private static String consumerPom(String version) {
    return """
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <groupId>com.example</groupId>
          <artifactId>uses-the-runtime</artifactId>
          <version>1</version>
          <dependencies>
            <dependency>
              <groupId>dev.comfyagent</groupId>
              <artifactId>agent-runtime</artifactId>
              <version>%s</version>
            </dependency>
          </dependencies>
        </project>
        """
        .formatted(version);
  }
}
