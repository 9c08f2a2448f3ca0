package dev.comfyagent.runtime.files;

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
 * Writes a whole file so that readers (and a restart after a crash) see either the old content or
 * the new one, never a half-written file. Saved workflows and session files both go through it.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * AtomicFileWriter.write(roots.resolveForWrite("out.json"), bytes, false); // refuses to replace
 * AtomicFileWriter.write(sessionFile, out -> writer.writeValue(out, session), true);
 * }</pre>
 *
 * <p>How: the content goes to a temporary file {@code .<name>.<random>.tmp} in the target's
 * directory (same file system, so the final rename is atomic), is forced to disk, and the temporary
 * file is then renamed over the target, keeping the permissions of the file it replaces; the
 * directory is forced too where the platform allows it (not on Windows, whose renames NTFS's log
 * makes durable). On any failure the temporary file is deleted and the target is untouched; only a
 * process killed mid-write leaves a temporary file, which {@link #isTemporary} recognises.
 *
 * <p>Stateless and thread-safe; two writers of one target race, and the last rename wins.
 */
public final class AtomicFileWriter {

  private static final Logger log = LoggerFactory.getLogger(AtomicFileWriter.class);

  private AtomicFileWriter() {}

  /** Writes the content of a file to a stream it must not close. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Replaces or creates {@code target} with {@code content}.
   *
   * @param overwrite whether an existing file may be replaced
   * @throws FileAlreadyExistsException when the target exists and {@code overwrite} is false
   * @throws IOException when writing fails; the target is then unchanged
   */
  public static void write(Path target, byte[] content, boolean overwrite) throws IOException {
    write(target, out -> out.write(content), overwrite);
  }

  /**
   * Replaces or creates {@code target} with what {@code content} writes; creates missing parent
   * directories.
   *
   * @param overwrite whether an existing file may be replaced
   * @throws FileAlreadyExistsException when the target exists and {@code overwrite} is false
   * @throws IOException when writing fails; the target is then unchanged and no temporary file is
   *     left
   */
  public static void write(Path target, Content content, boolean overwrite) throws IOException {
    if (!overwrite && Files.exists(target)) {
      throw new FileAlreadyExistsException(target.toString());
    }
    Path directory = target.toAbsolutePath().getParent();
    Path fileName = target.getFileName();
    if (directory == null || fileName == null) {
      throw new IOException(target + " names no file inside a directory");
    }
    Files.createDirectories(directory);
    Path temp = createTemp(directory, fileName.toString());
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
        content.writeTo(out);
        out.flush();
        channel.force(true);
      }
      keepPermissions(target, temp);
      move(temp, target, overwrite);
      forceDirectory(directory);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Whether {@code fileName} is a temporary file of {@link #write}. */
  public static boolean isTemporary(String fileName) {
    return fileName.startsWith(".") && fileName.endsWith(".tmp");
  }

  private static Path createTemp(Path directory, String targetName) throws IOException {
    for (int attempt = 0; ; attempt++) {
      String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
      Path temp = directory.resolve("." + targetName + "." + suffix + ".tmp");
      try {
        // Created with the default permissions (umask), like any file the user saves;
        // Files.createTempFile would make it private to the owner.
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

  private static void move(Path temp, Path target, boolean overwrite) throws IOException {
    if (!overwrite) {
      // Without REPLACE_EXISTING the move fails if the target appeared meanwhile; a rename in one
      // directory is atomic on every file system the runtime supports.
      Files.move(temp, target);
      return;
    }
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      log.warn("{} does not support atomic renames; replacing {} non-atomically", temp, target);
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void forceDirectory(Path directory) {
    // Makes the rename itself durable on Linux; Windows and some file systems cannot open a
    // directory as a channel, and there the rename is as durable as the platform makes it.
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      log.trace("directory {} not flushed: {}", directory, e.toString());
    }
  }
}
