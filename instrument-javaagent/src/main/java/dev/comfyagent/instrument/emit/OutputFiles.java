package dev.comfyagent.instrument.emit;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The names of one process's files in an output folder that other processes may share (several
 * runtime containers mounting one {@code ./logs}, all with pid 1).
 *
 * <p>The first process to start in a folder takes the plain names, {@code metrics.jsonl}, {@code
 * traces.jsonl} and {@code latency.hlog}, by holding an exclusive lock on {@value #LOCK_FILE} for
 * as long as it runs; every process that starts while the lock is held writes {@code
 * metrics-<instance>.jsonl}, {@code traces-<instance>.jsonl} and {@code latency-<instance>.hlog},
 * {@code <instance>} being its {@link ProcessIdentity#fileSuffix()}. So no two running processes
 * ever write, or rotate, the same file, and a single process keeps the names everyone knows. The
 * lock is the operating system's ({@link FileChannel#tryLock()}): it goes with the process, even
 * after {@code kill -9}, so there is never a stale lock to clean up. Where the file system does not
 * support locks, every process takes its own names.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * OutputFiles files = OutputFiles.claim(dir, identity);
 * JsonLinesFile metrics = new JsonLinesFile(files.metrics(), rotateBytes, keep);
 * ...
 * files.close(); // at shutdown: the plain names are free for the next process
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class OutputFiles implements Closeable {

  /** The file whose lock gives the plain names. */
  public static final String LOCK_FILE = ".instrument-javaagent.lock";

  /** The lock files this JVM holds (tests run several agents in one JVM). */
  private static final Set<Path> HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

  private final Path dir;
  private final String suffix;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Path lockFile;
  private final Object closing = new Object();

  private OutputFiles(
      Path dir, String suffix, FileChannel lockChannel, FileLock lock, Path lockFile) {
    this.dir = dir;
    this.suffix = suffix;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.lockFile = lockFile;
  }

  /**
   * Claims this process's names in {@code dir}, creating it when missing.
   *
   * @throws IOException when the folder cannot be created
   */
  public static OutputFiles claim(Path dir, ProcessIdentity identity) throws IOException {
    Files.createDirectories(dir);
    Path lockFile = dir.resolve(LOCK_FILE).toAbsolutePath().normalize();
    // Closing any channel of a file drops every lock this JVM holds on it (POSIX locks belong to
    // the process), so a second claim in one JVM must not even open the file.
    if (HELD_IN_THIS_JVM.add(lockFile)) {
      FileChannel channel = null;
      try {
        channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock != null) {
          return new OutputFiles(dir, "", channel, lock, lockFile);
        }
      } catch (IOException | OverlappingFileLockException | UnsupportedOperationException e) {
        // no locks on this file system: names of our own, below
      }
      if (channel != null) {
        channel.close();
      }
      HELD_IN_THIS_JVM.remove(lockFile);
    }
    return new OutputFiles(dir, "-" + identity.fileSuffix(), null, null, null);
  }

  /** Whether this process holds the plain names. */
  public boolean plainNames() {
    return suffix.isEmpty();
  }

  /** {@code metrics.jsonl}, or {@code metrics-<instance>.jsonl}. */
  public Path metrics() {
    return dir.resolve("metrics" + suffix + ".jsonl");
  }

  /** {@code traces.jsonl}, or {@code traces-<instance>.jsonl}. */
  public Path traces() {
    return dir.resolve("traces" + suffix + ".jsonl");
  }

  /** {@code latency.hlog}, or {@code latency-<instance>.hlog}. */
  public Path latencyLog() {
    return dir.resolve("latency" + suffix + ".hlog");
  }

  /** Gives the plain names back (the lock file stays, empty). */
  @Override
  public void close() throws IOException {
    synchronized (closing) {
      if (lock != null && lock.isValid()) {
        lock.release();
      }
      if (lockChannel != null && lockChannel.isOpen()) {
        lockChannel.close();
        HELD_IN_THIS_JVM.remove(lockFile);
      }
    }
  }
}
