package dev.comfyagent.runtime.cli;

import dev.comfyagent.runtime.comfy.ComfyUiClient;
import dev.comfyagent.runtime.comfy.ComfyUiSettings;
import dev.comfyagent.runtime.mcp.StdioMcpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code serve}: resolves the settings, sets up logging, builds the runtime and serves MCP over
 * stdio until the client closes stdin. While it runs, stdout carries only the protocol: {@code
 * System.out} is pointed at stderr, so a stray print cannot corrupt the stream.
 *
 * <p>Its options are built from {@link Setting}, so {@code --help} lists every flag with its
 * environment variable and default.
 */
final class ServeCommand implements Callable<Integer> {

  private final Map<String, String> environment;
  private final Path workingDirectory;
  private final InputStream stdin;
  private final OutputStream protocolOut;
  private final PrintStream err;
  private final boolean ownsProcess;
  private final Function<ComfyUiSettings, ComfyUiClient> clients;
  private final CommandSpec spec;

  /**
   * A serve command.
   *
   * @param ownsProcess whether it may change process-wide state: point {@code System.out} at stderr
   *     and configure Logback (false in tests that run it in-process)
   */
  ServeCommand(
      Map<String, String> environment,
      Path workingDirectory,
      InputStream stdin,
      OutputStream protocolOut,
      PrintStream err,
      boolean ownsProcess,
      Function<ComfyUiSettings, ComfyUiClient> clients) {
    this.environment = environment;
    this.workingDirectory = workingDirectory;
    this.stdin = stdin;
    this.protocolOut = protocolOut;
    this.err = err;
    this.ownsProcess = ownsProcess;
    this.clients = clients;
    this.spec = CommandSpec.wrapWithoutInspection(this);
    spec.name("serve");
    spec.mixinStandardHelpOptions(true);
    spec.versionProvider(new RuntimeVersion.Provider());
    spec.usageMessage()
        .description(
            "Serve MCP over stdio: an MCP client (Claude Desktop, an IDE, ...) starts this and"
                + " talks JSON-RPC on stdin/stdout. Logs go to stderr and LOG_DIR/runtime.log.",
            "Flags override environment variables, which override the defaults.");
    for (Setting s : Setting.values()) {
      spec.addOption(
          OptionSpec.builder(s.flag())
              .paramLabel("<" + s.environmentVariable().toLowerCase(java.util.Locale.ROOT) + ">")
              .type(String.class)
              .description(
                  s.description()
                      + " [env "
                      + s.environmentVariable()
                      + (s.defaultValue() == null ? "" : "; default " + s.defaultValue())
                      + "]")
              .build());
    }
  }

  CommandSpec spec() {
    return spec;
  }

  @Override
  public Integer call() throws InterruptedException {
    Map<Setting, String> flags = new EnumMap<>(Setting.class);
    for (Setting s : Setting.values()) {
      String value = spec.findOption(s.flag()).getValue();
      if (value != null) {
        flags.put(s, value);
      }
    }
    RuntimeSettings settings;
    try {
      settings = RuntimeSettings.resolve(flags, environment, workingDirectory);
    } catch (SettingsException e) {
      err.println("agent-runtime serve: " + e.getMessage());
      return 2;
    }
    Path logDir = settings.logDir();
    try {
      LoggingSetup.prepare(logDir);
    } catch (IOException e) {
      if (settings.logDirExplicit()) {
        err.println(
            "agent-runtime serve: LOG_DIR "
                + logDir
                + ": cannot create or write the directory ("
                + e.getMessage()
                + ")");
        return 2;
      }
      // The default ./logs is relative to wherever the MCP client started us (often "/").
      Path fallback = Path.of(System.getProperty("java.io.tmpdir"), "comfy-agent", "logs");
      err.println(
          "agent-runtime serve: cannot write logs to "
              + logDir
              + "; writing them to "
              + fallback
              + " (set LOG_DIR to choose)");
      logDir = fallback;
    }
    Path sessions = settings.sessionsDir();
    if (settings.sessionsDirExplicit()) {
      try {
        WritableDirectory.prepare(sessions);
      } catch (IOException | RuntimeException e) {
        err.println(
            "agent-runtime serve: SESSIONS_DIR "
                + sessions
                + ": cannot create or write the directory ("
                + e
                + ")");
        return 2;
      }
    } else if (!WritableDirectory.couldBeCreated(sessions)) {
      // The default ./sessions is relative to wherever the MCP client started us (often "/");
      // everything but save_session works, so start, and say how to fix it.
      err.println(
          "agent-runtime serve: sessions cannot be saved in "
              + sessions
              + " (the default, inside the working directory, which is not writable);"
              + " set SESSIONS_DIR to a writable directory");
    }
    if (ownsProcess) {
      System.setOut(err);
      LoggingSetup.start(logDir, settings.logLevel());
    }
    LoggerFactory.getLogger(ServeCommand.class)
        .info(
            "starting: ComfyUI at {}, sessions in {}, logs in {}, workflow roots {}",
            settings.comfyUiEndpoint(),
            settings.sessionsDir(),
            logDir,
            settings.workflowRoots().isEmpty()
                ? "none (file access off)"
                : settings.workflowRoots());
    ComfyUiClient client = clients.apply(settings.comfyUi());
    try (RuntimeAssembly runtime = RuntimeAssembly.create(settings, client, Clock.systemUTC())) {
      // The catalog now (mostly a wait on ComfyUI); the map and the index once serving, where
      // their CPU no longer slows the JVM's own start.
      runtime.prefetchCatalog();
      new StdioMcpServer(runtime.tools(), RuntimeVersion.current(), () -> {})
          .serve(stdin, protocolOut, runtime::warmUp);
    }
    return 0;
  }
}
