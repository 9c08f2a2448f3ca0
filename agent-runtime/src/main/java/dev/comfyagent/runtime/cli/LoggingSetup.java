package dev.comfyagent.runtime.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusListener;
import ch.qos.logback.core.status.StatusUtil;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Configures Logback for {@code serve} from {@code logback-serve.xml} once the log directory and
 * level are known: JSON lines to {@code LOG_DIR/runtime.log}, readable lines to stderr, nothing to
 * stdout. Done programmatically because Logback initializes itself on first use, before the command
 * line is read; the jar's own {@code logback.xml} only logs warnings to stderr.
 *
 * <p>Usage: {@code LoggingSetup.start(settings.logDir(), settings.logLevel());}
 */
public final class LoggingSetup {

  static final String CONFIG = "/dev/comfyagent/runtime/cli/logback-serve.xml";

  /**
   * The log file's name inside the log directory, for the first runtime writing there; a runtime
   * that shares the directory with a running one writes {@code runtime-<instance>.log} ({@link
   * LogFileClaim}).
   */
  public static final String LOG_FILE = "runtime.log";

  private LoggingSetup() {}

  /**
   * Configures the process's Logback.
   *
   * @throws IllegalStateException when SLF4J is not bound to Logback, or the configuration fails
   */
  public static void start(Path logDir, String level) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext context)) {
      throw new IllegalStateException(
          "SLF4J is bound to " + factory.getClass().getName() + ", not Logback");
    }
    configure(context, logDir, level);
  }

  /** Configures the given context (tests use their own). */
  static void configure(LoggerContext context, Path logDir, String level) {
    URL config = LoggingSetup.class.getResource(CONFIG);
    if (config == null) {
      throw new IllegalStateException(CONFIG + " is missing from the runtime jar");
    }
    context.reset();
    StatusListener warnings = new StderrStatusListener();
    context.getStatusManager().add(warnings);
    RuntimeInstance self = RuntimeInstance.current(System.getenv());
    context.putProperty("LOG_DIR", logDir.toString());
    context.putProperty("LOG_LEVEL", level);
    context.putProperty("LOG_FILE_BASE", LogFileClaim.claim(logDir, self).baseName());
    context.putProperty("SERVICE_INSTANCE_ID", self.instanceId());
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    long since = System.currentTimeMillis();
    try {
      configurator.doConfigure(config);
    } catch (JoranException e) {
      throw new IllegalStateException("logging could not be configured: " + e.getMessage(), e);
    }
    StatusUtil statuses = new StatusUtil(context);
    if (statuses.getHighestLevel(since) >= Status.ERROR) {
      List<String> errors = new ArrayList<>();
      for (Status s : context.getStatusManager().getCopyOfStatusList()) {
        if (s.getLevel() >= Status.ERROR && s.getTimestamp() >= since) {
          errors.add(s.getMessage());
        }
      }
      throw new IllegalStateException(
          "logging could not be configured: " + String.join("; ", errors));
    }
  }

  /**
   * Prints Logback's own warnings and errors (a log file that cannot be written, ...) to stderr;
   * its informational messages are dropped, and nothing goes to stdout.
   */
  static final class StderrStatusListener implements StatusListener {
    @Override
    public void addStatusEvent(Status status) {
      if (status.getLevel() >= Status.WARN) {
        System.err.println("logging: " + status.getMessage());
      }
    }

    @Override
    public boolean isResetResistant() {
      return false;
    }
  }

  /**
   * Makes sure the log directory exists and takes a file (a probe file is written and deleted:
   * permission bits alone do not say so on every file system).
   *
   * @throws IOException when it cannot be created or written
   */
  static void prepare(Path logDir) throws IOException {
    WritableDirectory.prepare(logDir);
  }
}
