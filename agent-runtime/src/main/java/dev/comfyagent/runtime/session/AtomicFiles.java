package dev.comfyagent.runtime.session;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces a file so that readers (and a restart after a crash) see either the whole old content or
 * the whole new one: the content goes to a temporary file in the same directory, which is flushed
 * to disk, atomically renamed over the target, and then the directory entry is flushed too where
 * the operating system allows (not on Windows).
 *
 * <p>Temporary files are named {@code .<target name>.<random>.tmp}; one can be left behind only
 * when the process dies mid-write, and {@link #isTemporary} tells them apart.
 */
final class AtomicFiles {

  private static final Logger log = LoggerFactory.getLogger(AtomicFiles.class);

  private AtomicFiles() {}

  /** Writes the content of a file. */
  @FunctionalInterface
  interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Replaces {@code target} with what {@code content} writes; creates the directory if needed.
   *
   * @throws IOException when anything fails; the target is then unchanged and no temporary file is
   *     left
   */
  static void write(Path target, Content content) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = createTemp(dir, target.getFileName().toString());
    boolean moved = false;
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
        content.writeTo(out);
        out.flush();
        channel.force(true);
      }
      keepPermissions(target, temp);
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        log.warn("{} does not support atomic renames; replacing {} non-atomically", dir, target);
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      moved = true;
      forceDirectory(dir);
    } finally {
      if (!moved) {
        Files.deleteIfExists(temp);
      }
    }
  }

  /** Whether {@code fileName} is a temporary file of {@link #write}. */
  static boolean isTemporary(String fileName) {
    return fileName.startsWith(".") && fileName.endsWith(".tmp");
  }

  private static Path createTemp(Path dir, String targetName) throws IOException {
    for (int attempt = 0; ; attempt++) {
      String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
      Path temp = dir.resolve("." + targetName + "." + suffix + ".tmp");
      try {
        // Created with the default permissions (umask), like any file the user saves.
        return Files.createFile(temp);
      } catch (FileAlreadyExistsException e) {
        if (attempt > 10) {
          throw e;
        }
      }
    }
  }

  private static void keepPermissions(Path target, Path temp) {
    try {
      if (Files.exists(target)
          && Files.getFileAttributeView(target, PosixFileAttributeView.class) != null) {
        Files.setPosixFilePermissions(temp, Files.getPosixFilePermissions(target));
      }
    } catch (IOException | UnsupportedOperationException e) {
      log.debug("could not copy the permissions of {}: {}", target, e.toString());
    }
  }

  private static void forceDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Windows cannot open a directory as a channel; its renames are durable through NTFS's log.
      log.trace("directory {} not flushed: {}", dir, e.toString());
    }
  }
}
