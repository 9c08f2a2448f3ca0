package dev.comfyagent.instrument.attach;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JvmKindTest {

  @TempDir Path temp;

  private static TargetJvm jvm(String displayName, Map<String, String> properties) {
    return new TargetJvm(4242, displayName, properties, "", Optional.empty());
  }

  private Path jarWith(String name, String entry) throws IOException {
    Path jar = temp.resolve(name);
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry(entry));
      out.closeEntry();
    }
    return jar;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/opt/comfy/agent-runtime-0.1.0.jar serve",
        "agent-runtime-0.1.0-SNAPSHOT.jar serve --comfyui-port 8190",
        "dev.comfyagent.runtime.cli.RuntimeMain serve"
      })
  void recognisesTheRuntimeByItsCommandLine(String displayName) {
    assertThat(JvmKind.of(jvm(displayName, Map.of()))).isEqualTo(JvmKind.AGENT_RUNTIME);
  }

  @Test
  void recognisesTheRuntimeRenamedByItsMainClass() throws IOException {
    Path jar = jarWith("comfy-server.jar", "dev/comfyagent/runtime/cli/RuntimeMain.class");

    TargetJvm renamed =
        jvm(jar + " serve", Map.of("java.class.path", jar.toString(), "user.dir", "/"));

    assertThat(JvmKind.of(renamed)).isEqualTo(JvmKind.AGENT_RUNTIME);
  }

  @Test
  void recognisesAShadedMcpSdkServerByTheServerClassInItsJar() throws IOException {
    Path jar = jarWith("weather-mcp-all.jar", JvmKind.MCP_SERVER_CLASS);

    assertThat(JvmKind.of(jvm(jar.toString(), Map.of()))).isEqualTo(JvmKind.MCP_SDK_SERVER);
  }

  @Test
  void recognisesAnMcpSdkServerByTheSdkJarOnItsClassPath() {
    String classPath =
        String.join(
            File.pathSeparator, "app.jar", "lib/mcp-core-2.1.0.jar", "lib/reactor-core.jar");

    TargetJvm server =
        jvm("com.acme.McpMain", Map.of("java.class.path", classPath, "user.dir", temp.toString()));

    assertThat(JvmKind.of(server)).isEqualTo(JvmKind.MCP_SDK_SERVER);
  }

  @ParameterizedTest
  @ValueSource(strings = {"BOOT-INF/lib/mcp-core-1.1.5.jar", "BOOT-INF/lib/mcp-0.10.0.jar"})
  void recognisesASpringBootFatJarByTheSdkJarInsideIt(String nestedSdkJar) throws IOException {
    Path jar = jarWith("weather-server-0.0.1.jar", nestedSdkJar);

    TargetJvm server = jvm(jar.toString(), Map.of("java.class.path", jar.toString()));

    assertThat(JvmKind.of(server)).isEqualTo(JvmKind.MCP_SDK_SERVER);
  }

  @Test
  void recognisesTheRuntimeRepackagedAsASpringBootJar() throws IOException {
    Path jar = jarWith("boot.jar", "BOOT-INF/classes/dev/comfyagent/runtime/cli/RuntimeMain.class");

    assertThat(JvmKind.of(jvm(jar.toString(), Map.of()))).isEqualTo(JvmKind.AGENT_RUNTIME);
  }

  @Test
  void aLibraryNamedLikeMcpIsNotTheSdk() throws IOException {
    Path jar = jarWith("app.jar", "BOOT-INF/lib/mcp-utils-helper.jar");

    assertThat(JvmKind.of(jvm(jar.toString(), Map.of()))).isEqualTo(JvmKind.OTHER);
  }

  @Test
  void resolvesRelativeClassPathEntriesAgainstTheTargetsWorkingDirectory() throws IOException {
    jarWith("server.jar", JvmKind.MCP_SERVER_CLASS);

    TargetJvm server =
        jvm("com.acme.Main", Map.of("java.class.path", "server.jar", "user.dir", temp.toString()));

    assertThat(JvmKind.of(server)).isEqualTo(JvmKind.MCP_SDK_SERVER);
  }

  @Test
  void callsEverythingElseAnOtherJvm() throws IOException {
    Path jar = jarWith("gradle-daemon.jar", "org/gradle/Main.class");

    assertThat(JvmKind.of(jvm(jar + " 8.14", Map.of()))).isEqualTo(JvmKind.OTHER);
    assertThat(JvmKind.of(jvm("", Map.of()))).isEqualTo(JvmKind.OTHER);
    assertThat(JvmKind.of(jvm("missing.jar", Map.of("user.dir", temp.toString()))))
        .isEqualTo(JvmKind.OTHER);
  }

  @Test
  void readsTheTargetsJavaVersionAndFlags() {
    TargetJvm target =
        new TargetJvm(
            1,
            "x",
            Map.of("java.specification.version", "21", "java.version", "21.0.5"),
            "-Xmx2g -XX:+EnableDynamicAgentLoading",
            Optional.empty());

    assertThat(target.javaFeatureVersion()).contains(21);
    assertThat(target.javaVersion()).isEqualTo("21.0.5");
    assertThat(target.hasFlag("-XX:+EnableDynamicAgentLoading")).isTrue();
    assertThat(target.hasFlag("-XX:+Enable")).isFalse();
    assertThat(target.agentLoaded()).isFalse();
    assertThat(jvm("x", Map.of("java.specification.version", "1.8")).javaFeatureVersion())
        .contains(8);
  }

  @Test
  void seesAnAgentLoadedAtStartup() {
    TargetJvm withAgent =
        new TargetJvm(
            1,
            "x",
            Map.of("java.version", "17"),
            "-javaagent:/opt/instrument-javaagent-0.1.0.jar=gpu=off",
            Optional.empty());

    assertThat(withAgent.agentLoaded()).isTrue();
  }
}
