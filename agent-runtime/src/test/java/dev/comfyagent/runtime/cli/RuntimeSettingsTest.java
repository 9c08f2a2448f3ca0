package dev.comfyagent.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RuntimeSettingsTest {

  @TempDir Path cwd;

  private final Map<Setting, String> flags = new HashMap<>();
  private final Map<String, String> env = new HashMap<>();

  @Test
  void usesTheDocumentedDefaults() throws SettingsException {
    RuntimeSettings s = resolve();

    assertThat(s.comfyUiEndpoint()).isEqualTo("127.0.0.1:8188");
    assertThat(s.comfyUiPath()).isEmpty();
    assertThat(s.sessionsDir()).isEqualTo(cwd.resolve("sessions"));
    assertThat(s.logDir()).isEqualTo(cwd.resolve("logs"));
    assertThat(s.logDirExplicit()).isFalse();
    assertThat(s.workflowRoots()).as("file access is off by default").isEmpty();
    assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.executionTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(s.catalogTtl()).isEqualTo(Duration.ofMinutes(5));
    assertThat(s.undoLimit()).isEqualTo(50);
    assertThat(s.maxOpenSessions()).isEqualTo(16);
    assertThat(s.logLevel()).isEqualTo("INFO");
  }

  @Test
  void takesTheEnvironmentOverTheDefaults() throws SettingsException {
    env.put("COMFYUI_HOST", "render-01.studio.lan");
    env.put("COMFYUI_PORT", "8189");
    env.put("SESSIONS_DIR", "/var/lib/comfy-agent/sessions");
    env.put("LOG_DIR", "var/logs");
    env.put("UNDO_LIMIT", "200");
    env.put("COMFYUI_REQUEST_TIMEOUT", "2m");
    env.put("LOG_LEVEL", "debug");

    RuntimeSettings s = resolve();

    assertThat(s.comfyUiEndpoint()).isEqualTo("render-01.studio.lan:8189");
    assertThat(s.sessionsDir()).isEqualTo(Path.of("/var/lib/comfy-agent/sessions"));
    assertThat(s.logDir()).isEqualTo(cwd.resolve("var/logs"));
    assertThat(s.logDirExplicit()).isTrue();
    assertThat(s.undoLimit()).isEqualTo(200);
    assertThat(s.requestTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(s.logLevel()).isEqualTo("DEBUG");
  }

  @Test
  void takesFlagsOverTheEnvironment() throws SettingsException {
    env.put("COMFYUI_PORT", "8189");
    env.put("COMFYUI_HOST", "from-env");
    flags.put(Setting.COMFYUI_PORT, "9000");

    RuntimeSettings s = resolve();

    assertThat(s.comfyUiPort()).isEqualTo(9000);
    assertThat(s.comfyUiHost()).isEqualTo("from-env");
  }

  @Test
  void treatsABlankEnvironmentVariableAsUnset() throws SettingsException {
    env.put("COMFYUI_PORT", "  ");
    env.put("COMFYUI_PATH", "");

    RuntimeSettings s = resolve();

    assertThat(s.comfyUiPort()).isEqualTo(8188);
    assertThat(s.comfyUiPath()).isEmpty();
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "COMFYUI_PORT | abc | COMFYUI_PORT=abc (environment): not a port number; use 1 to 65535",
        "COMFYUI_PORT | 70000 | COMFYUI_PORT=70000 (environment): out of range; use 1 to 65535",
        "COMFYUI_HOST | http://x:8188 | COMFYUI_HOST=http://x:8188 (environment): give the host name only (no http://)",
        "COMFYUI_HOST | localhost:8188 | COMFYUI_HOST=localhost:8188 (environment): give the host name only",
        "COMFYUI_CONNECT_TIMEOUT | soon | COMFYUI_CONNECT_TIMEOUT=soon (environment): not a duration; write it like 30s",
        "COMFYUI_CONNECT_TIMEOUT | 0 | COMFYUI_CONNECT_TIMEOUT=0 (environment): must be more than zero",
        "COMFYUI_EXECUTION_TIMEOUT | 2d | COMFYUI_EXECUTION_TIMEOUT=2d (environment): more than a day",
        "UNDO_LIMIT | 0 | UNDO_LIMIT=0 (environment): out of range; use 1 to 10000",
        "LOG_LEVEL | LOUD | LOG_LEVEL=LOUD (environment): not a log level",
        "COMFYUI_PATH | /no/such/comfyui | COMFYUI_PATH=/no/such/comfyui (environment): no such directory",
        "WORKFLOWS_DIR | /no/such/dir | WORKFLOWS_DIR=/no/such/dir (environment): no such directory"
      })
  void explainsABadEnvironmentValueInOneLine(String variable, String value, String message) {
    env.put(variable, value);

    assertThatThrownBy(this::resolve)
        .isInstanceOf(SettingsException.class)
        .hasMessageStartingWith(message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void namesTheFlagWhenTheFlagIsBad() {
    flags.put(Setting.UNDO_LIMIT, "lots");

    assertThatThrownBy(this::resolve)
        .hasMessage("--undo-limit lots: not a number of undo steps; use 1 to 10000");
  }

  @Test
  void refusesADirectorySettingThatIsAFile() throws IOException {
    Files.writeString(cwd.resolve("sessions"), "x");

    assertThatThrownBy(this::resolve).hasMessageContaining("is a file, not a directory");
  }

  @ParameterizedTest
  @CsvSource({"500ms, PT0.5S", "45, PT45S", "90s, PT1M30S", "5m, PT5M", "1h, PT1H", "PT2M, PT2M"})
  void readsDurationsWithOrWithoutUnits(String text, String iso) throws SettingsException {
    env.put("CATALOG_TTL", text);

    assertThat(resolve().catalogTtl()).isEqualTo(Duration.parse(iso));
  }

  @Test
  void allowsACatalogTimeToLiveOfZero() throws SettingsException {
    env.put("CATALOG_TTL", "0");

    assertThat(resolve().catalogTtl()).isZero();
  }

  @Test
  void takesSeveralWorkflowDirectoriesAndOnlyThemWhenWorkflowsDirIsGiven() throws Exception {
    Path a = Files.createDirectories(cwd.resolve("a"));
    Path b = Files.createDirectories(cwd.resolve("b"));
    Path comfy = Files.createDirectories(cwd.resolve("ComfyUI"));
    Files.createDirectories(comfy.resolve("user/default/workflows"));
    env.put("WORKFLOWS_DIR", "a" + File.pathSeparator + b + File.pathSeparator);
    env.put("COMFYUI_PATH", comfy.toString());

    RuntimeSettings s = resolve();

    assertThat(s.workflowRoots()).isEqualTo(List.of(a, b));
    assertThat(s.comfyUiPath()).contains(comfy);
  }

  @Test
  void usesComfyUisUserWorkflowsWhenOnlyComfyUiPathIsGiven() throws Exception {
    Path comfy = Files.createDirectories(cwd.resolve("ComfyUI"));
    Path userWorkflows = Files.createDirectories(comfy.resolve("user/default/workflows"));
    env.put("COMFYUI_PATH", comfy.toString());

    assertThat(resolve().workflowRoots()).containsExactly(userWorkflows);
  }

  @Test
  void leavesFileAccessOffWhenComfyUisUserWorkflowsDoNotExist() throws Exception {
    env.put("COMFYUI_PATH", Files.createDirectories(cwd.resolve("ComfyUI")).toString());

    assertThat(resolve().workflowRoots()).isEmpty();
  }

  @Test
  void refusesTheRootOfTheFileSystemAsAWorkflowFolder() {
    Path fsRoot = cwd.getRoot();
    env.put("WORKFLOWS_DIR", fsRoot.toString());

    assertThatThrownBy(this::resolve)
        .isInstanceOf(SettingsException.class)
        .hasMessage(
            "WORKFLOWS_DIR="
                + fsRoot
                + " (environment): "
                + fsRoot
                + " is the root of a file system; name the folder that holds your workflows"
                + " (file access there would reach every file)");
  }

  @Test
  void refusesALinkThatLeadsToTheRootOfTheFileSystem() throws IOException {
    Path link;
    try {
      link = Files.createSymbolicLink(cwd.resolve("everything"), cwd.getRoot());
    } catch (UnsupportedOperationException | IOException e) {
      org.junit.jupiter.api.Assumptions.abort("no symbolic links here: " + e);
      return;
    }
    flags.put(Setting.WORKFLOWS_DIR, link.toString());

    assertThatThrownBy(this::resolve).hasMessageContaining("is the root of a file system");
  }

  @Test
  void refusesTheHomeDirectoryAndFoldersHoldingItButNotFoldersInsideIt() throws Exception {
    Path home = Files.createDirectories(cwd.resolve("home/me"));
    Path inside = Files.createDirectories(home.resolve("comfy-workflows"));

    env.put("WORKFLOWS_DIR", home.toString());
    assertThatThrownBy(() -> resolveWithHome(home))
        .hasMessage(
            "WORKFLOWS_DIR="
                + home
                + " (environment): "
                + home
                + " is your home directory; name a folder inside it, such as "
                + home.resolve("comfy-workflows")
                + " (keys and settings in the home directory must stay out of the assistant's"
                + " reach)");
    env.put("WORKFLOWS_DIR", cwd.resolve("home").toString());
    assertThatThrownBy(() -> resolveWithHome(home))
        .hasMessageContaining(cwd.resolve("home") + " holds your home directory " + home);
    env.put("WORKFLOWS_DIR", inside.toString());
    assertThat(resolveWithHome(home).workflowRoots()).containsExactly(inside);
  }

  @Test
  void ignoresAHomeDirectoryThatIsTheRootOfTheFileSystem() {
    assertThat(RuntimeSettings.homeDirectory(cwd.getRoot().toString())).isEmpty();
    assertThat(RuntimeSettings.homeDirectory("")).isEmpty();
    assertThat(RuntimeSettings.homeDirectory("relative/home")).isEmpty();
    assertThat(RuntimeSettings.homeDirectory(cwd.toString())).contains(realPath(cwd));
  }

  private static Path realPath(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private RuntimeSettings resolveWithHome(Path home) throws SettingsException {
    return RuntimeSettings.resolve(flags, env, cwd, java.util.Optional.of(realPath(home)));
  }

  @ParameterizedTest(name = "{0}=")
  @CsvSource(
      delimiter = '|',
      value = {
        "COMFYUI_HOST|--comfyui-host is empty: give a value (ComfyUI host name or address), or"
            + " leave the flag out for the default 127.0.0.1",
        "SESSIONS_DIR|--sessions-dir is empty: give a value (Where sessions are saved",
        "COMFYUI_PATH|--comfyui-path is empty: give a value (ComfyUI install directory",
        "LOG_DIR|--log-dir is empty",
        "WORKFLOWS_DIR|--workflows-dir is empty",
      })
  void refusesAnEmptyFlagInsteadOfStartingWithTheWorkingDirectoryOrNoHost(
      Setting setting, String message) {
    flags.put(setting, "");

    assertThatThrownBy(this::resolve)
        .isInstanceOf(SettingsException.class)
        .hasMessageStartingWith(message);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "comfy_ui",
        "render%01",
        "a?b",
        "[::1",
      })
  void refusesAHostTheHttpClientCannotUse(String host) {
    flags.put(Setting.COMFYUI_HOST, host);

    assertThatThrownBy(this::resolve)
        .isInstanceOf(SettingsException.class)
        .hasMessage(
            "--comfyui-host "
                + host
                + ": not a host name or address (letters, digits, '-' and '.', no '_'; or an IP"
                + " address)");
  }

  @ParameterizedTest
  @CsvSource({"render-01.studio.lan", "10.0.0.7", "::1", "[::1]", "localhost"})
  void acceptsHostNamesAndAddresses(String host) throws SettingsException {
    flags.put(Setting.COMFYUI_HOST, host);

    assertThat(resolve().comfyUiHost()).isEqualTo(host);
  }

  @Test
  void remembersWhetherTheSessionsDirectoryWasChosen() throws SettingsException {
    assertThat(resolve().sessionsDirExplicit()).isFalse();
    env.put("SESSIONS_DIR", "s");
    assertThat(resolve().sessionsDirExplicit()).isTrue();
  }

  @Test
  void givesTheComfyUiClientTheAddressAndTimeouts() throws SettingsException {
    env.put("COMFYUI_CONNECT_TIMEOUT", "2s");

    var comfy = resolve().comfyUi();

    assertThat(comfy.host()).isEqualTo("127.0.0.1");
    assertThat(comfy.port()).isEqualTo(8188);
    assertThat(comfy.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(comfy.breakerFailureThreshold()).isEqualTo(3);
  }

  private RuntimeSettings resolve() throws SettingsException {
    return RuntimeSettings.resolve(flags, env, cwd);
  }
}
