package dev.comfyagent.runtime.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks, at start, that a directory the runtime will write to can be written, so that a setting
 * that cannot work stops the start (exit 2) instead of failing the first save.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * WritableDirectory.prepare(settings.sessionsDir());         // creates it, writes a probe file
 * WritableDirectory.couldBeCreated(Path.of("./sessions"));    // without creating anything
 * }</pre>
 */
final class WritableDirectory {

  private WritableDirectory() {}

  /**
   * Creates the directory if needed and proves it takes a file: a probe file is created and deleted
   * (permission bits alone do not say so on every file system).
   *
   * @throws IOException naming why it cannot be used
   */
  static void prepare(Path directory) throws IOException {
    Files.createDirectories(directory);
    Path probe = Files.createTempFile(directory, ".agent-runtime-write-check-", ".tmp");
    Files.delete(probe);
  }

  /**
   * Whether the directory exists as a writable directory, or its deepest existing ancestor is one
   * (so it could be created on first use). Creates nothing.
   */
  static boolean couldBeCreated(Path directory) {
    Path existing = directory.toAbsolutePath();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    return existing != null && Files.isDirectory(existing) && Files.isWritable(existing);
  }
}
