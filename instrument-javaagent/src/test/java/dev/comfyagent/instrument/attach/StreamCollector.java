package dev.comfyagent.instrument.attach;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads a child process's stream to its end on a thread of its own (not a shared pool, where a
 * stream that stays open would starve the others).
 */
final class StreamCollector {

  private final Thread thread;
  private volatile String text = "";

  StreamCollector(InputStream stream) {
    thread =
        new Thread(
            () -> {
              try (stream) {
                text = new String(stream.readAllBytes(), StandardCharsets.UTF_8);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            "test-stream-collector");
    thread.setDaemon(true);
    thread.start();
  }

  /** Everything the stream held, once it ended; fails if it is still open after a minute. */
  String await() throws InterruptedException {
    thread.join(60_000);
    if (thread.isAlive()) {
      throw new IllegalStateException("the stream is still open after 60 s");
    }
    return text;
  }
}
