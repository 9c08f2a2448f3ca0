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
 * An append-only file of JSON lines that holds whole lines only, even when the process is killed
 * with {@code kill -9} in the middle of a write, with size-based rotation.
 *
 * <p><b>Why whole lines survive a kill.</b> Linux copies a {@code write} into the page cache one
 * page of the file at a time and stops between pages when a fatal signal is pending, so {@code kill
 * -9} can cut a write short at a page boundary of the file, never inside a page. Lines are
 * therefore laid out so that no line crosses a 4 KiB boundary: a line that would cross one starts
 * on the next page, the line before it being padded with spaces up to the boundary (JSON allows
 * trailing whitespace, so every line still parses). Every page then ends with a newline, so
 * wherever a write is cut the file ends with a whole line; that is what lets one write carry up to
 * {@link #CHUNK} bytes (16 pages) instead of one page: a batch of trace lines is one {@code
 * pwrite}, not sixteen. A line longer than a page starts on a page boundary and is written in one
 * call; it is the only line a kill can cut, and then only at a page boundary: such a torn tail is
 * cut off when the file is next opened. Trace lines are always shorter than a page.
 *
 * <p><b>Rotation.</b> When a write would take the file past {@code rotateBytes}, the file is first
 * renamed {@code name.1.jsonl} (older ones shift to {@code .2}, ... up to {@code keep}; the oldest
 * is deleted) and a new file begun.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * try (JsonLinesFile metrics = new JsonLinesFile(dir.resolve("metrics.jsonl"), 10 << 20, 5)) {
 *   metrics.append(bytes, 0, length); // bytes end with '\n'
 * }
 * }</pre>
 *
 * <p>Thread-safe (appends are serialized). One writing process per file: positions and rotation are
 * not coordinated between processes.
 */
public final class JsonLinesFile implements Closeable {

  /** The unit no write crosses: the smallest page size of the platforms the agent runs on. */
  static final int PAGE = 4096;

  /** The most one write carries: whole pages, so a chunk that fills up ends on a boundary. */
  static final int CHUNK = 16 * PAGE;

  private static final byte NEWLINE = '\n';
  private static final byte SPACE = ' ';

  private final Path file;
  private final long rotateBytes;
  private final int keep;
  private final ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
  private FileChannel channel;
  private long position;
  private long chunkStart;
  private long writes;

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

  /** The file's size as this writer knows it. */
  public synchronized long size() {
    return position;
  }

  /** The {@code write} calls made so far (one per chunk, and one per line longer than a page). */
  synchronized long writes() {
    return writes;
  }

  /**
   * Appends {@code length} bytes that hold whole lines (each ending in {@code \n}).
   *
   * @throws IOException when a write fails
   */
  public synchronized void append(byte[] bytes, int offset, int length) throws IOException {
    if (length == 0) {
      return;
    }
    if (rotateBytes > 0 && position > 0 && position + length > rotateBytes) {
      rotate();
    }
    try {
      appendLines(bytes, offset, length);
    } catch (ClosedChannelException e) {
      // Closed by an interrupt of the writing thread: reopen (which trims any torn tail) and write
      // the lines again. The interrupt is kept for the thread's owner.
      boolean interrupted = Thread.interrupted();
      try {
        open();
        appendLines(bytes, offset, length);
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /**
   * The name of the {@code n}th rotated file: {@code metrics.jsonl} becomes {@code
   * metrics.n.jsonl}.
   */
  public static Path rotated(Path file, int n) {
    Path fileName = file.getFileName();
    if (fileName == null) {
      throw new IllegalArgumentException(file + " names no file");
    }
    String name = fileName.toString();
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

  /**
   * Lays the lines out page by page: what is left of the current page takes every line that ends in
   * it (found by looking back from the page's end for a newline, so a byte is looked at about once
   * per page rather than once per line), the line that would cross the boundary moves to the next
   * page. Bytes after the last newline are not a line and are not written.
   */
  private void appendLines(byte[] bytes, int offset, int length) throws IOException {
    chunk.clear();
    chunkStart = position;
    int end = lastNewline(bytes, offset, offset + length) + 1;
    int next = offset;
    while (next < end) {
      int inPage = (int) (position % PAGE);
      int room = PAGE - inPage;
      if (end - next <= room) {
        put(bytes, next, end - next);
        break;
      }
      int lastInPage = lastNewline(bytes, next, next + room);
      if (lastInPage >= 0) {
        put(bytes, next, lastInPage + 1 - next);
        next = lastInPage + 1;
      } else if (inPage != 0) {
        padToPageBoundary(room);
      } else {
        int lineEnd = firstNewline(bytes, next + PAGE, end);
        flushChunk();
        writeAt(ByteBuffer.wrap(bytes, next, lineEnd + 1 - next), position);
        position += lineEnd + 1 - next;
        chunkStart = position;
        next = lineEnd + 1;
      }
    }
    flushChunk();
  }

  /** Adds whole lines that lie within the current page to the chunk, writing it first when full. */
  private void put(byte[] bytes, int offset, int length) throws IOException {
    if (length > chunk.remaining()) {
      flushChunk();
    }
    chunk.put(bytes, offset, length);
    position += length;
  }

  /** The index of the last newline in {@code bytes[from, to)}, or -1. */
  private static int lastNewline(byte[] bytes, int from, int to) {
    for (int i = to - 1; i >= from; i--) {
      if (bytes[i] == NEWLINE) {
        return i;
      }
    }
    return -1;
  }

  /** The index of the first newline in {@code bytes[from, to)}, or {@code to - 1}. */
  private static int firstNewline(byte[] bytes, int from, int to) {
    int i = from;
    while (i < to - 1 && bytes[i] != NEWLINE) {
      i++;
    }
    return i;
  }

  /**
   * Ends the current page with the previous line: its newline becomes {@code room} spaces and a
   * newline that is the page's last byte. That line is in the pending chunk, or already in the file
   * (or the chunk has no room for the padding: it is written first), in which case the padding is
   * one write within the page.
   */
  private void padToPageBoundary(int room) throws IOException {
    if (chunk.position() > 0 && chunk.remaining() >= room) {
      chunk.position(chunk.position() - 1);
      for (int i = 0; i < room; i++) {
        chunk.put(SPACE);
      }
      chunk.put(NEWLINE);
      position += room;
    } else {
      flushChunk();
      ByteBuffer padding = ByteBuffer.allocate(room + 1);
      for (int i = 0; i < room; i++) {
        padding.put(SPACE);
      }
      padding.put(NEWLINE).flip();
      writeAt(padding, position - 1);
      position += room;
      chunkStart = position;
    }
  }

  private void flushChunk() throws IOException {
    if (chunk.position() > 0) {
      chunk.flip();
      writeAt(chunk, chunkStart);
      chunk.clear();
    }
    chunkStart = position;
  }

  private void writeAt(ByteBuffer buffer, long at) throws IOException {
    writes++;
    long next = at;
    while (buffer.hasRemaining()) {
      next += channel.write(buffer, next);
    }
  }

  private void open() throws IOException {
    channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    position = trimTornTail(channel);
    chunkStart = position;
  }

  /** Cuts a partial last line left by a kill during a multi-page write; returns the new size. */
  private static long trimTornTail(FileChannel channel) throws IOException {
    long size = channel.size();
    if (size == 0) {
      return 0;
    }
    long end = size;
    while (end > 0) {
      long from = Math.max(0, end - PAGE);
      ByteBuffer block = ByteBuffer.allocate((int) (end - from));
      while (block.hasRemaining() && channel.read(block, from + block.position()) > 0) {
        // read the block
      }
      for (int i = block.position() - 1; i >= 0; i--) {
        if (block.get(i) == NEWLINE) {
          long whole = from + i + 1;
          if (whole < size) {
            channel.truncate(whole);
          }
          return whole;
        }
      }
      end = from;
    }
    channel.truncate(0);
    return 0;
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
