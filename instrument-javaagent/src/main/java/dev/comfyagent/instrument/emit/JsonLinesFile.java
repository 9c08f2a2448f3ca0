package dev.comfyagent.instrument.emit;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * An append-only file of JSON lines that only ever holds whole lines, with size-based rotation.
 *
 * <p>Each {@link #append} is one write of complete lines on a channel opened in append mode, so a
 * process killed at any moment (even {@code kill -9}) leaves whole lines only. When a write would
 * take the file past {@code rotateBytes}, the file is first renamed {@code name.1.jsonl} (older
 * ones shift to {@code .2}, ... up to {@code keep}; the oldest is deleted) and a new file begun.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * try (JsonLinesFile metrics = new JsonLinesFile(dir.resolve("metrics.jsonl"), 10 << 20, 5)) {
 *   metrics.append(bytes, 0, length); // bytes end with '\n'
 * }
 * }</pre>
 *
 * <p>Thread-safe (appends are serialized). One writer process per file: rotation is not coordinated
 * between processes.
 */
public final class JsonLinesFile implements Closeable {

  private final Path file;
  private final long rotateBytes;
  private final int keep;
  private FileChannel channel;
  private long size;

  /**
   * @param file the file, created (with its directory) when missing
   * @param rotateBytes rotate before the file would grow past this; 0 for never
   * @param keep rotated files kept
   * @throws IOException when the file cannot be opened
   */
  public JsonLinesFile(Path file, long rotateBytes, int keep) throws IOException {
    this.file = file;
    this.rotateBytes = rotateBytes;
    this.keep = keep;
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    open();
  }

  /** The file written to. */
  public Path path() {
    return file;
  }

  /**
   * Appends {@code length} bytes that hold whole lines (each ending in {@code \n}).
   *
   * @throws IOException when the write fails; the file then holds either all or none of them
   */
  public synchronized void append(byte[] bytes, int offset, int length) throws IOException {
    if (length == 0) {
      return;
    }
    if (rotateBytes > 0 && size > 0 && size + length > rotateBytes) {
      rotate();
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
    try {
      writeFully(buffer);
    } catch (ClosedChannelException e) {
      // Closed by an interrupt of the writing thread: reopen once and write the lines again (a
      // line may then appear twice, never torn). The interrupt is kept for the thread's owner.
      boolean interrupted = Thread.interrupted();
      try {
        open();
        buffer.position(offset);
        writeFully(buffer);
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
    size += length;
  }

  /**
   * The name of the {@code n}th rotated file: {@code metrics.jsonl} becomes {@code
   * metrics.n.jsonl}.
   */
  public static Path rotated(Path file, int n) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String rotatedName =
        dot < 0 ? name + "." + n : name.substring(0, dot) + "." + n + name.substring(dot);
    return file.resolveSibling(rotatedName);
  }

  @Override
  public synchronized void close() throws IOException {
    if (channel != null) {
      channel.close();
    }
  }

  private void writeFully(ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  private void open() throws IOException {
    channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    size = channel.size();
  }

  private void rotate() throws IOException {
    channel.close();
    if (keep == 0) {
      Files.deleteIfExists(file);
    } else {
      Files.deleteIfExists(rotated(file, keep));
      for (int n = keep - 1; n >= 1; n--) {
        Path older = rotated(file, n);
        if (Files.exists(older)) {
          Files.move(older, rotated(file, n + 1), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      Files.move(file, rotated(file, 1), StandardCopyOption.REPLACE_EXISTING);
    }
    open();
  }
}
