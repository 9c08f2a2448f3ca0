package dev.comfyagent.runtime.session;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lock every save of a sessions directory holds, across threads and across processes (two
 * runtimes may share {@code SESSIONS_DIR}): an OS file lock on {@code .comfy-agent-sessions.lock}
 * in that directory, which the OS releases when its process dies, behind a lock of this JVM (file
 * locks are held per process, and a second one taken in the same JVM would fail).
 *
 * <p>Usage:
 *
 * <pre>{@code
 * SessionDirectoryLock lock = SessionDirectoryLock.of(directory);
 * lock.run(() -> { check the file, then write it });           // waits up to 30 s for the lock
 * lock.tryRun(() -> sweep());                                 // only when free now
 * }</pre>
 *
 * <p>A save's temporary file exists only while its writer holds this lock, so a temporary file
 * found by someone holding it belongs to a writer that died. Where the file system cannot lock
 * files (some network file systems), only this JVM's lock is held, and a warning says so once.
 *
 * <p>Thread-safe.
 */
final class SessionDirectoryLock {

  private static final Logger log = LoggerFactory.getLogger(SessionDirectoryLock.class);

  /** The lock file's name in the sessions directory (not a session: it does not end in .json). */
  static final String FILE_NAME = ".comfy-agent-sessions.lock";

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final ConcurrentHashMap<Path, SessionDirectoryLock> BY_DIRECTORY =
      new ConcurrentHashMap<>();
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  private final Path directory;
  private final ReentrantLock inThisJvm = new ReentrantLock();
  // False once the file system refused to lock files: then only this JVM's lock is held.
  private volatile boolean fileLocking = true;

  private SessionDirectoryLock(Path directory) {
    this.directory = directory;
  }

  /** The lock of {@code directory} (absolute, normalized), shared by all its stores in this JVM. */
  static SessionDirectoryLock of(Path directory) {
    return BY_DIRECTORY.computeIfAbsent(directory, SessionDirectoryLock::new);
  }

  /** Work done under the lock. */
  @FunctionalInterface
  interface Locked<T> {
    T run() throws IOException;
  }

  /**
   * Runs {@code work} holding the lock, waiting for it up to 30 s; creates the directory.
   *
   * @throws IOException from {@code work}, or when the lock cannot be had in time
   */
  <T> T run(Locked<T> work) throws IOException {
    Files.createDirectories(directory);
    try {
      if (!inThisJvm.tryLock(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IOException(busy());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting to save in " + directory, e);
    }
    try (FileChannel channel = open()) {
      long deadline = System.nanoTime() + WAIT.toNanos();
      FileLock held = null;
      while (channel != null && fileLocking && held == null) {
        held = tryLock(channel);
        if (held == null) {
          if (System.nanoTime() > deadline) {
            throw new IOException(busy());
          }
          pause();
        }
      }
      try {
        return work.run();
      } finally {
        if (held != null) {
          held.release();
        }
      }
    } finally {
      inThisJvm.unlock();
    }
  }

  /**
   * Runs {@code work} only if the lock is free now (in this JVM and across processes); empty
   * otherwise, or when the directory does not exist.
   */
  <T> Optional<T> tryRun(Locked<T> work) throws IOException {
    if (!Files.isDirectory(directory) || !inThisJvm.tryLock()) {
      return Optional.empty();
    }
    try (FileChannel channel = open()) {
      FileLock held = channel == null ? null : tryLock(channel);
      if (channel != null && fileLocking && held == null) {
        return Optional.empty();
      }
      try {
        return Optional.of(work.run());
      } finally {
        if (held != null) {
          held.release();
        }
      }
    } finally {
      inThisJvm.unlock();
    }
  }

  /** The lock file's channel, or {@code null} where this file system cannot lock files. */
  private FileChannel open() {
    try {
      return FileChannel.open(
          directory.resolve(FILE_NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException | UnsupportedOperationException e) {
      warnOnce(e);
      return null;
    }
  }

  private FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      // Cannot happen behind inThisJvm; treated as "held" rather than trusted.
      return null;
    } catch (UnsupportedOperationException e) {
      fileLocking = false;
      warnOnce(e);
      return null;
    } catch (IOException e) {
      if (!isUnsupported(e)) {
        throw e;
      }
      fileLocking = false;
      warnOnce(e);
      return null;
    }
  }

  private static boolean isUnsupported(IOException e) {
    String message = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
    return message.contains("not supported") || message.contains("no locks available");
  }

  private void warnOnce(Exception e) {
    if (WARNED.compareAndSet(false, true)) {
      log.warn(
          "cannot lock files in {} ({}); saves from two runtimes sharing it are not kept apart",
          directory,
          e.toString());
    }
  }

  private String busy() {
    return "another process has been saving a session in "
        + directory
        + " for over "
        + WAIT.toSeconds()
        + " s; try again";
  }

  private static void pause() throws IOException {
    try {
      TimeUnit.MILLISECONDS.sleep(10);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting to save", e);
    }
  }
}
