package dev.comfyagent.runtime.cli;

import dev.comfyagent.runtime.comfy.ComfyUiClient;
import dev.comfyagent.runtime.comfy.ComfyUiSettings;
import dev.comfyagent.runtime.comfy.HttpComfyUiClient;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The runtime's command line: {@code java -jar agent-runtime-<version>.jar serve}, with {@code
 * --help} and {@code --version}.
 *
 * <p>Exit codes: 0 when the MCP client closed the connection (or after help/version), 2 for a bad
 * flag or setting (one line on stderr says which), 1 for an unexpected failure.
 *
 * <p>Usage (an MCP client's configuration):
 *
 * <pre>{@code
 * {"command": "java", "args": ["-jar", "agent-runtime.jar", "serve"],
 *  "env": {"COMFYUI_HOST": "127.0.0.1", "COMFYUI_PATH": "/opt/ComfyUI"}}
 * }</pre>
 */
@Command(
    name = "agent-runtime",
    mixinStandardHelpOptions = true,
    versionProvider = RuntimeVersion.Provider.class,
    description = {
      "comfy-agent runtime: an MCP server that lets an AI assistant understand, discover,"
          + " patch and run ComfyUI workflows.",
      "Start it with 'serve' from an MCP client; 'serve --help' lists the settings."
    },
    subcommands = HelpCommand.class)
public final class RuntimeMain implements Runnable {

  @Spec private CommandSpec spec;

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    // The protocol gets the real stdout; System.out itself is pointed at stderr while serving.
    OutputStream protocolOut = new FileOutputStream(FileDescriptor.out);
    int code =
        run(
            args,
            System.getenv(),
            Path.of("").toAbsolutePath(),
            System.in,
            protocolOut,
            System.out,
            System.err,
            true,
            RuntimeMain::comfyUiClient);
    // The SDK's stdio threads are not daemons; leave once serving is over.
    System.exit(code);
  }

  /** The ComfyUI client of {@code serve}. */
  static ComfyUiClient comfyUiClient(ComfyUiSettings settings) {
    return new HttpComfyUiClient(settings);
  }

  /**
   * Runs the command line with the given process environment and streams; returns the exit code.
   *
   * @param out where help and version go
   * @param protocolOut where {@code serve} writes the MCP protocol
   * @param ownsProcess whether {@code serve} may redirect {@code System.out} and configure Logback
   */
  static int run(
      String[] args,
      Map<String, String> environment,
      Path workingDirectory,
      InputStream stdin,
      OutputStream protocolOut,
      PrintStream out,
      PrintStream err,
      boolean ownsProcess,
      Function<ComfyUiSettings, ComfyUiClient> clients) {
    ServeCommand serve =
        new ServeCommand(
            environment, workingDirectory, stdin, protocolOut, err, ownsProcess, clients);
    CommandLine commandLine = new CommandLine(new RuntimeMain());
    commandLine.addSubcommand("serve", new CommandLine(serve.spec()));
    commandLine.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    commandLine.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    commandLine.setParameterExceptionHandler(
        (e, arguments) -> {
          String command = e.getCommandLine().getCommandSpec().qualifiedName();
          String hint = "see " + command + " --help";
          if (e instanceof UnmatchedArgumentException unmatched
              && !unmatched.getSuggestions().isEmpty()) {
            hint = "did you mean " + String.join(" or ", unmatched.getSuggestions()) + "?";
          }
          e.getCommandLine().getErr().println(command + ": " + e.getMessage() + " (" + hint + ")");
          return CommandLine.ExitCode.USAGE;
        });
    commandLine.setExecutionExceptionHandler(
        (e, cmd, parseResult) -> {
          cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + " failed: " + e);
          e.printStackTrace(err);
          return CommandLine.ExitCode.SOFTWARE;
        });
    return commandLine.execute(args);
  }

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "missing command: 'serve' starts the MCP server");
  }
}
