package dev.comfyagent.instrument.emit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputFilesTest {

  @TempDir Path dir;

  private final ProcessIdentity first = ProcessIdentity.of("s", "v", "host-a", 1, 0);
  private final ProcessIdentity second = ProcessIdentity.of("s", "v", "host-b", 1, 0);

  @Test
  void theFirstProcessInAFolderKeepsThePlainNames() throws Exception {
    try (OutputFiles files = OutputFiles.claim(dir, first)) {
      assertThat(files.plainNames()).isTrue();
      assertThat(files.metrics()).isEqualTo(dir.resolve("metrics.jsonl"));
      assertThat(files.traces()).isEqualTo(dir.resolve("traces.jsonl"));
      assertThat(files.latencyLog()).isEqualTo(dir.resolve("latency.hlog"));
    }
  }

  @Test
  void aProcessThatStartsWhileTheNamesAreHeldWritesFilesOfItsOwn() throws Exception {
    try (OutputFiles held = OutputFiles.claim(dir, first);
        OutputFiles own = OutputFiles.claim(dir, second)) {
      assertThat(held.plainNames()).isTrue();
      assertThat(own.plainNames()).isFalse();
      String suffix = second.fileSuffix();
      assertThat(own.metrics()).isEqualTo(dir.resolve("metrics-" + suffix + ".jsonl"));
      assertThat(own.traces()).isEqualTo(dir.resolve("traces-" + suffix + ".jsonl"));
      assertThat(own.latencyLog()).isEqualTo(dir.resolve("latency-" + suffix + ".hlog"));
      // The second claim in this JVM must not have released the first one's lock.
      try (OutputFiles third = OutputFiles.claim(dir, ProcessIdentity.of("s", "v", "c", 1, 0))) {
        assertThat(third.plainNames()).isFalse();
      }
    }
  }

  @Test
  void thePlainNamesAreFreeAgainOnceTheirHolderStops() throws Exception {
    OutputFiles held = OutputFiles.claim(dir, first);
    held.close();
    try (OutputFiles next = OutputFiles.claim(dir, second)) {
      assertThat(next.plainNames()).isTrue();
    }
  }

  @Test
  void aMissingFolderIsCreated() throws Exception {
    try (OutputFiles files = OutputFiles.claim(dir.resolve("a/b"), first)) {
      assertThat(files.metrics().getParent()).isDirectory();
    }
  }
}
