package dev.comfyagent.runtime.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a whole file so that readers (and a crash) see either the old content or the new one,
 * never a half-written file.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * AtomicFileWriter.write(roots.resolveForWrite("out.json"), bytes, false); // refuses to replace
 * }</pre>
 *
 * <p>How: the bytes go to a temporary file in the target's directory (same file system, so the
 * final rename is atomic), are forced to disk, and the temporary file is then moved over the
 * target; the directory is forced too where the platform allows it. On any failure the temporary
 * file is deleted and the target is untouched.
 *
 * <p>Stateless and thread-safe; two writers of one target race, and the last rename wins.
 */
public final class AtomicFileWriter {

  private AtomicFileWriter() {}

  /**
   * Replaces or creates {@code target} with {@code content}.
   *
   * @param overwrite whether an existing file may be replaced
   * @throws FileAlreadyExistsException when the target exists and {@code overwrite} is false
   * @throws IOException when writing fails; the target is then unchanged
   */
  public static void write(Path target, byte[] content, boolean overwrite) throws IOException {
    if (!overwrite && Files.exists(target)) {
      throw new FileAlreadyExistsException(target.toString());
    }
    Path directory = target.toAbsolutePath().getParent();
    if (directory == null) {
      throw new IOException(target + " names no file inside a directory");
    }
    Path temp = Files.createTempFile(directory, "." + target.getFileName() + ".", ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      move(temp, target, overwrite);
      forceDirectory(directory);
    } finally {
      Files.deleteIfExists(temp);
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
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void forceDirectory(Path directory) {
    // Makes the rename itself durable on Linux; Windows and some file systems cannot open a
    // directory as a channel, and there the rename is as durable as the platform makes it.
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // best effort, see above
    }
  }
}
