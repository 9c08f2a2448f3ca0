package dev.comfyagent.runtime.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The protocol's output (stdout): whole JSON-RPC lines only, never interleaved. The SDK's stdio
 * transport writes a message and its newline in separate calls from its writer thread, while the
 * {@link JsonRpcLineGuard} answers malformed input from the reader thread; both go through here,
 * and each line reaches the stream in one piece, followed by a flush.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * ProtocolOutput out = new ProtocolOutput(new FileOutputStream(FileDescriptor.out));
 * new StdioServerTransportProvider(mapper, guardedStdin, out.forSdk());
 * out.writeLine("{\"jsonrpc\":\"2.0\",...}");
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class ProtocolOutput {

  private final OutputStream target;
  private final Object lock = new Object();
  private final InFlightRequests inFlight;
  private final ObjectMapper json = new ObjectMapper();

  public ProtocolOutput(OutputStream target) {
    this(target, new InFlightRequests());
  }

  ProtocolOutput(OutputStream target, InFlightRequests inFlight) {
    this.target = target;
    this.inFlight = inFlight;
  }

  /** The requests read and not yet answered (answers are seen here). */
  InFlightRequests inFlight() {
    return inFlight;
  }

  /** Writes one line (a newline is added) and flushes. */
  public void writeLine(String line) throws IOException {
    byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
    synchronized (lock) {
      target.write(bytes);
      target.flush();
    }
  }

  /**
   * A stream for the SDK's transport: bytes are collected until a newline and then written as one
   * line. Meant for one writer thread (the SDK has one).
   */
  public OutputStream forSdk() {
    return new LineBufferingStream();
  }

  private final class LineBufferingStream extends OutputStream {
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream(4096);

    @Override
    public synchronized void write(int b) throws IOException {
      pending.write(b);
      if (b == '\n') {
        emit();
      }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
      int start = off;
      for (int i = off; i < off + len; i++) {
        if (b[i] == '\n') {
          pending.write(b, start, i + 1 - start);
          emit();
          start = i + 1;
        }
      }
      pending.write(b, start, off + len - start);
    }

    @Override
    public synchronized void flush() throws IOException {
      // Whole lines are flushed as they complete; a partial line waits for its newline.
    }

    @Override
    public synchronized void close() throws IOException {
      if (pending.size() > 0) {
        emit();
      }
      synchronized (lock) {
        target.flush();
      }
    }

    private void emit() throws IOException {
      byte[] line = pending.toByteArray();
      pending.reset();
      synchronized (lock) {
        target.write(line);
        target.flush();
      }
      noteAnswer(line);
    }
  }

  /** Tells {@link #inFlight} when a line is the answer to a request. */
  private void noteAnswer(byte[] line) {
    if (inFlight.size() == 0) {
      return;
    }
    try {
      JsonNode message = json.readTree(line);
      if (message != null && message.has("id") && !message.has("method")) {
        inFlight.responseWritten(message.get("id"));
      }
    } catch (IOException e) {
      // Not JSON: not an answer to anything.
    }
  }
}
