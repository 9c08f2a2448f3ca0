package dev.comfyagent.instrument.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AgentConfigTest {

  @TempDir Path dir;

  @Test
  void defaultsMatchTheDocumentedValues() {
    AgentConfig config = AgentConfig.defaults();
    assertThat(config.outputDir()).isEqualTo(Path.of("./logs"));
    assertThat(config.metricsIntervalMillis()).isEqualTo(60_000);
    assertThat(config.metricsRotateBytes()).isEqualTo(10L << 20);
    assertThat(config.metricsRotateKeep()).isEqualTo(5);
    assertThat(config.trace()).isTrue();
    assertThat(config.traceQueueSize()).isEqualTo(8192);
    assertThat(config.traceRotateBytes()).isEqualTo(50L << 20);
    assertThat(config.summaryMaxChars()).isEqualTo(200);
    assertThat(config.toolPatterns()).isEmpty();
    assertThat(config.toolsMax()).isEqualTo(128);
    assertThat(config.metricsHttp()).isNull();
    assertThat(config.otlpEndpoint()).isNull();
    assertThat(config.exports()).isFalse();
    assertThat(config.otlpTimeoutMillis()).isEqualTo(10_000);
    assertThat(config.otlpIntervalMillis()).isEqualTo(60_000);
    assertThat(config.otlpQueueSize()).isEqualTo(2048);
    assertThat(config.otlpHeaders()).isEmpty();
    assertThat(config.statsTool()).isEqualTo("get_agent_stats");
    assertThat(config.strict()).isFalse();
    assertThat(config.debug()).isFalse();
    assertThat(config.enabled(Option.WEAVE_SDK)).isTrue();
    assertThat(config.origin("trace")).isEqualTo("default");
    assertThat(config.hlog()).isTrue();
    assertThat(config.serviceName()).isNull();
  }

  @ParameterizedTest(name = "metrics.http={0}")
  @CsvSource({
    "9464, 127.0.0.1:9464",
    "0.0.0.0:9464, 0.0.0.0:9464",
    "render-07:9100, render-07:9100",
    "'[::1]:9464', '[::1]:9464'",
    "0, 127.0.0.1:0"
  })
  void aBarePortBindsLoopbackAndAnyOtherHostMustBeNamed(String value, String expected)
      throws Exception {
    AgentConfig config = AgentConfig.resolve("metrics.http=" + value, Map.of(), Map.of());
    assertThat(config.metricsHttp()).hasToString(expected);
    assertThat(config.exports()).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "metrics.http=:9464 | option metrics.http=:9464 (the -javaagent arguments) is not host:port, a port (bound to 127.0.0.1) or off (no host; name one, 0.0.0.0 for every interface, or give only the port for 127.0.0.1)",
        "metrics.http=70000 | port 70000 is out of 0-65535",
        "metrics.http=::1:9464 | an IPv6 address goes in brackets",
        "otlp.endpoint=collector:4318 | the scheme must be http or https",
        "otlp.endpoint=http://c:4318/?a=b | no query, fragment or user info allowed",
        "otlp.headers=\"Authorization\" | 'Authorization' is not key=value",
        "otlp.queue.size=0 | option otlp.queue.size=0 (the -javaagent arguments) must be at least 1"
      })
  void aWrongExportOptionIsNamedWithWhatIsWrong(String arguments, String message) {
    assertThatThrownBy(() -> AgentConfig.resolve(arguments, Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message);
  }

  @Test
  void otlpOptionsAreReadAsOpenTelemetryWritesThem() throws Exception {
    AgentConfig config =
        AgentConfig.resolve(
            "otlp.endpoint=https://collector.example:4318/base/,otlp.timeout=2s,otlp.interval=15s",
            Map.of(),
            Map.of("COMFYAGENT_OTLP_HEADERS", "Authorization=Bearer%20abc,X-Scope-OrgID=studio"));
    assertThat(config.otlpEndpoint()).hasToString("https://collector.example:4318/base/");
    assertThat(config.otlpHeaders())
        .containsExactly(
            Map.entry("Authorization", "Bearer abc"), Map.entry("X-Scope-OrgID", "studio"));
    assertThat(config.otlpTimeoutMillis()).isEqualTo(2000);
    assertThat(config.otlpIntervalMillis()).isEqualTo(15_000);
    assertThat(AgentConfig.resolve("otlp.endpoint=off", Map.of(), Map.of()).exports()).isFalse();
  }

  @Test
  void theServiceNameAndTheLatencyLogAreOptionsLikeAnyOther() throws Exception {
    AgentConfig config =
        AgentConfig.resolve("hlog=off", Map.of(), Map.of("COMFYAGENT_SERVICE_NAME", " studio-a "));
    assertThat(config.hlog()).isFalse();
    assertThat(config.serviceName()).isEqualTo("studio-a");
    assertThatThrownBy(
            () -> AgentConfig.resolve("service.name=" + "x".repeat(129), Map.of(), Map.of()))
        .hasMessageEndingWith("is longer than 128 characters (it is written on every line)");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "arguments win over all other sources, 0, 10",
    "a system property wins over environment and file, 1, 20",
    "the environment wins over the file, 2, 30",
    "the file wins over the default, 3, 40"
  })
  void sourcesApplyInTheDocumentedOrder(String name, int highest, int expected) throws Exception {
    Path file = dir.resolve("agent.properties");
    Files.writeString(file, "summary.max.chars=40\n");
    String arguments = "config=" + file + (highest <= 0 ? ",summary.max.chars=10" : "");
    Map<String, String> properties = new HashMap<>();
    if (highest <= 1) {
      properties.put("comfyagent.summary.max.chars", "20");
    }
    Map<String, String> environment = new HashMap<>();
    if (highest <= 2) {
      environment.put("COMFYAGENT_SUMMARY_MAX_CHARS", "30");
    }
    assertThat(AgentConfig.resolve(arguments, properties, environment).summaryMaxChars())
        .isEqualTo(expected);
  }

  @Test
  void configFileCanBeNamedByAnEnvironmentVariable() throws Exception {
    Path file = dir.resolve("agent.properties");
    Files.writeString(file, "# comment\n! another\n\ntrace = off\n");
    AgentConfig config =
        AgentConfig.resolve(null, Map.of(), Map.of("COMFYAGENT_CONFIG", file.toString()));
    assertThat(config.trace()).isFalse();
    assertThat(config.origin("trace")).isEqualTo("config file " + file + " line 4");
  }

  @Test
  void windowsPathsWorkInArgumentsAndInTheFile() throws IOException, ConfigException {
    assertThat(
            AgentConfig.resolve("output.dir=C:\\logs\\agent", Map.of(), Map.of())
                .get(Option.OUTPUT_DIR))
        .isEqualTo("C:\\logs\\agent");
    Path file = dir.resolve("win.properties");
    Files.writeString(file, "output.dir=D:\\render farm\\agent logs\n");
    assertThat(AgentConfig.resolve("config=" + file, Map.of(), Map.of()).get(Option.OUTPUT_DIR))
        .isEqualTo("D:\\render farm\\agent logs");
  }

  @Test
  void unknownOptionIsNamedWithItsSourceAndTheValidOnes() {
    assertThatThrownBy(() -> AgentConfig.resolve("trce=off", Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "unknown option 'trce' (the -javaagent arguments); valid options: config, output.dir,")
        .hasMessageEndingWith("probe.<name>, gpu, gpu.<key>");
  }

  @Test
  void unknownSystemPropertyIsNamedAsSuch() {
    assertThatThrownBy(
            () -> AgentConfig.resolve(null, Map.of("comfyagent.outputdir", "x"), Map.of()))
        .hasMessageStartingWith(
            "unknown option 'outputdir' (system property comfyagent.outputdir)");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "metrics.interval=soon | option metrics.interval=soon (the -javaagent arguments) is not a duration such as 500ms, 30s, 5m or 1h",
        "metrics.interval=50ms | option metrics.interval=50ms (the -javaagent arguments) is shorter than the minimum of 100ms",
        "trace=maybe | option trace=maybe (the -javaagent arguments) is not on or off (true/false, yes/no)",
        "metrics.rotate.size=big | option metrics.rotate.size=big (the -javaagent arguments) is not a size such as 512KB, 10MB or 1GB (0 = never)",
        "trace.queue.size=0 | option trace.queue.size=0 (the -javaagent arguments) must be at least 1",
        "summary.max.chars=-1 | option summary.max.chars=-1 (the -javaagent arguments) is not a whole number (0 or more)",
        "tools=com.acme.Tool | option tools=com.acme.Tool (the -javaagent arguments) has an invalid pattern 'com.acme.Tool' must be class-glob#method-glob, e.g. com.acme.*Tool#execute",
        "output.dir= | option output.dir= (the -javaagent arguments) is not a path"
      })
  void malformedValueIsNamedWithWhatIsExpected(String arguments, String message) {
    assertThatThrownBy(() -> AgentConfig.resolve(arguments, Map.of(), Map.of()))
        .hasMessage(message);
  }

  @Test
  void strictIsCarriedByTheErrorEvenWhenAnotherOptionIsWrong() {
    assertThatThrownBy(() -> AgentConfig.resolve("strict=true,trce=1", Map.of(), Map.of()))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.strict()).isTrue());
    assertThatThrownBy(
            () -> AgentConfig.resolve("trce=1", Map.of(), Map.of("COMFYAGENT_STRICT", "on")))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.strict()).isTrue());
    assertThatThrownBy(() -> AgentConfig.resolve("trce=1", Map.of(), Map.of()))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.strict()).isFalse());
  }

  @ParameterizedTest
  @ValueSource(strings = {"trace=on,verbose", "tools=\"a.B#c", "strict=off,verbose"})
  void strictFromASystemPropertyOrTheEnvironmentHoldsWhenTheArgumentsAreMalformed(
      String malformed) {
    boolean argumentsSayOff = malformed.contains("strict=off");
    assertThatThrownBy(
            () -> AgentConfig.resolve(malformed, Map.of("comfyagent.strict", "true"), Map.of()))
        .isInstanceOfSatisfying(
            ConfigException.class, e -> assertThat(e.strict()).isEqualTo(!argumentsSayOff));
    assertThatThrownBy(
            () -> AgentConfig.resolve(malformed, Map.of(), Map.of("COMFYAGENT_STRICT", "yes")))
        .isInstanceOfSatisfying(
            ConfigException.class, e -> assertThat(e.strict()).isEqualTo(!argumentsSayOff));
    assertThatThrownBy(() -> AgentConfig.resolve(malformed, Map.of(), Map.of()))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.strict()).isFalse());
  }

  @Test
  void strictInAWellFormedPairHoldsWhenAnotherPairIsMalformed() {
    assertThatThrownBy(() -> AgentConfig.resolve("verbose, strict = On", Map.of(), Map.of()))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.strict()).isTrue());
  }

  @Test
  void missingConfigFileIsNamed() {
    Path missing = dir.resolve("nope.properties");
    assertThatThrownBy(() -> AgentConfig.resolve("config=" + missing, Map.of(), Map.of()))
        .hasMessage("config file " + missing + " does not exist");
  }

  @Test
  void malformedConfigFileLineIsNamed() throws IOException {
    Path file = dir.resolve("bad.properties");
    Files.writeString(file, "trace=on\njust words\n");
    assertThatThrownBy(() -> AgentConfig.resolve("config=" + file, Map.of(), Map.of()))
        .hasMessage("config file " + file + " line 2 is not key=value: 'just words'");
  }

  @Test
  void reservedNamespacesAreAcceptedAndHandedToTheirHooks() throws ConfigException {
    AgentConfig config =
        AgentConfig.resolve(
            "gpu=auto,gpu.interval=1s,probe.catalog=a.B#size,stats.tool=stats",
            Map.of("comfyagent.probe.undo", "a.C#depth"),
            Map.of());
    assertThat(config.namespace("gpu"))
        .containsOnly(Map.entry("", "auto"), Map.entry("interval", "1s"));
    assertThat(config.namespace("probe."))
        .containsOnly(Map.entry("catalog", "a.B#size"), Map.entry("undo", "a.C#depth"));
    assertThat(config.statsTool()).isEqualTo("stats");
  }

  @Test
  void environmentVariableNamesMapToDottedKeys() throws ConfigException {
    AgentConfig config =
        AgentConfig.resolve(
            null,
            Map.of(),
            Map.of(
                "COMFYAGENT_OUTPUT_DIR",
                "/srv/logs",
                "COMFYAGENT_METRICS_ROTATE_KEEP",
                "2",
                "PATH",
                "/bin"));
    assertThat(config.outputDir()).isEqualTo(Path.of("/srv/logs"));
    assertThat(config.metricsRotateKeep()).isEqualTo(2);
  }

  @Test
  void toolPatternsAreParsedFromTheOption() throws ConfigException {
    AgentConfig config =
        AgentConfig.resolve(
            "tools=\"com.acme.*Tool#execute;com.acme.Api+#run\"", Map.of(), Map.of());
    assertThat(config.toolPatterns())
        .containsExactly(
            new ToolPattern("com.acme.*Tool", false, "execute"),
            new ToolPattern("com.acme.Api", true, "run"));
  }

  @Test
  void everyOptionHasADescriptionAndItsDefaultIsValid() {
    for (Option option : Option.values()) {
      assertThat(option.description()).as(option.key()).isNotBlank();
      if (option.defaultValue() != null) {
        assertThat(option.kind().check(option.defaultValue())).as(option.key()).isNull();
      }
    }
    assertThat(Option.forKey("trace")).contains(Option.TRACE);
    assertThat(Option.reserved("gpu")).isTrue();
    assertThat(Option.reserved("probe.")).isFalse();
    assertThat(List.of(Option.values())).hasSizeGreaterThan(15);
  }
}
