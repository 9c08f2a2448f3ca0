package dev.comfyagent.runtime.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Which log file this process writes when several runtimes share one {@code LOG_DIR} (containers
 * mounting one {@code ./logs}, two MCP clients on one machine). The first process holds an OS lock
 * on {@code .runtime-log.lock} for its whole life and writes {@code runtime.log}; a process that
 * starts while it runs writes {@code runtime-<instance>.log}. Logback's rolling appender assumes
 * one writer: two processes rolling one file lose each other's lines, so they never share one.
 *
 * <p>The lock is the operating system's: it is released when its holder exits, even after {@code
 * kill -9}, so the next runtime takes {@code runtime.log} again.
 *
 * <p>Usage: {@code String base = LogFileClaim.claim(logDir, self).baseName(); // "runtime"}
 *
 * @param baseName the log file's name without {@code .log}
 */
record LogFileClaim(String baseName) {

  static final String LOCK_FILE = ".runtime-log.lock";

  /** The plain base name, taken by the process that holds the lock. */
  static final String PLAIN = "runtime";

  /** Held for the process's life; never closed, so the lock lasts until exit. */
  private static FileChannel held;

  /** The lock file {@link #held} locks. */
  private static Path lockedPath;

  /**
   * Claims {@code runtime.log} in {@code logDir} for this process, or names this instance's own
   * file when another process holds it (or the lock cannot be taken at all: a file system without
   * locks must not make two processes share a file).
   */
  static synchronized LogFileClaim claim(Path logDir, RuntimeInstance self) {
    if (held != null && held.isOpen() && logDir.resolve(LOCK_FILE).equals(lockedPath)) {
      return new LogFileClaim(PLAIN);
    }
    try {
      FileChannel channel =
          FileChannel.open(
              logDir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // this JVM holds it already, through another claim (tests)
      }
      if (lock == null) {
        channel.close();
        return forInstance(self);
      }
      held = channel;
      lockedPath = logDir.resolve(LOCK_FILE);
      return new LogFileClaim(PLAIN);
    } catch (IOException | UnsupportedOperationException e) {
      return forInstance(self);
    }
  }

  private static LogFileClaim forInstance(RuntimeInstance self) {
    return new LogFileClaim(PLAIN + "-" + self.fileNamePart());
  }
}
