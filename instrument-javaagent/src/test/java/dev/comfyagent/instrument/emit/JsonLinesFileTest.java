package dev.comfyagent.instrument.emit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonLinesFileTest {

  @TempDir Path dir;

  @Test
  void appendsWholeLinesAndCreatesTheDirectory() throws IOException {
    Path file = dir.resolve("nested/out/metrics.jsonl");
    try (JsonLinesFile lines = new JsonLinesFile(file, 0, 0)) {
      append(lines, "{\"a\":1}\n{\"b\":2}\n");
      append(lines, "{\"c\":3}\n");
    }
    assertThat(Files.readAllLines(file)).containsExactly("{\"a\":1}", "{\"b\":2}", "{\"c\":3}");
  }

  @ParameterizedTest(name = "lines of {0} bytes")
  @ValueSource(ints = {100, 999, 4000, 4095, 4096})
  void noWriteCrossesAPageBoundaryAndEveryLineStillParses(int lineLength) throws IOException {
    Path file = dir.resolve("traces.jsonl");
    String line = line(lineLength);
    try (JsonLinesFile lines = new JsonLinesFile(file, 0, 0)) {
      for (int i = 0; i < 40; i++) {
        append(lines, line + line);
      }
    }
    byte[] bytes = Files.readAllBytes(file);
    for (int start = 0; start < bytes.length; ) {
      int end = start;
      while (bytes[end] != '\n') {
        end++;
      }
      assertThat(start / JsonLinesFile.PAGE)
          .as("a line shorter than a page lies within one page")
          .isEqualTo(end / JsonLinesFile.PAGE);
      start = end + 1;
    }
    List<String> read = Files.readAllLines(file);
    assertThat(read).hasSize(80).allSatisfy(l -> assertThat(l.strip()).isEqualTo(line.strip()));
  }

  @Test
  void aBatchOfLinesFillingUpToSixteenPagesIsOneWrite() throws IOException {
    Path file = dir.resolve("traces.jsonl");
    String line = line(256); // 16 to a page: no padding
    try (JsonLinesFile lines = new JsonLinesFile(file, 0, 0)) {
      append(lines, line.repeat(JsonLinesFile.CHUNK / 256));
      assertThat(lines.writes()).as("one write for %d pages", JsonLinesFile.CHUNK / 4096).isOne();
      append(lines, line.repeat(JsonLinesFile.CHUNK / 256 + 1));
      assertThat(lines.writes()).as("a batch one line over the chunk: two writes").isEqualTo(3);
    }
    assertThat(Files.readAllLines(file)).hasSize(2 * (JsonLinesFile.CHUNK / 256) + 1);
  }

  @ParameterizedTest(name = "lines of {0} bytes")
  @ValueSource(ints = {77, 1000, 3000, 4000, 4095})
  void everyPageEndsWithANewlineSoAWriteCutBetweenPagesLeavesWholeLines(int lineLength)
      throws IOException {
    Path file = dir.resolve("traces.jsonl");
    String line = line(lineLength);
    int appended = 0;
    try (JsonLinesFile lines = new JsonLinesFile(file, 0, 0)) {
      // Batches that start at every kind of offset within a page and within a chunk, and end
      // past the chunk, so that padding lands at the chunk's end as well as inside it.
      for (int prefix = 1; prefix <= 200; prefix += 13) {
        append(lines, line(prefix + 10));
        append(lines, line.repeat(JsonLinesFile.CHUNK / lineLength + 3));
        appended += 1 + JsonLinesFile.CHUNK / lineLength + 3;
      }
    }
    byte[] bytes = Files.readAllBytes(file);
    assertEveryPageEndsWithANewline(bytes);
    assertThat(Files.readAllLines(file))
        .hasSize(appended)
        .allSatisfy(l -> assertThat(l.strip()).startsWith("{\"x\":\"y").endsWith("\"}"));
  }

  @Test
  void paddingThatNoLongerFitsTheChunkIsWrittenAfterItStillEndingThePage() throws IOException {
    Path file = dir.resolve("traces.jsonl");
    try (JsonLinesFile lines = new JsonLinesFile(file, 0, 0)) {
      append(lines, line(3000));
      // The batch's chunk starts 3,000 bytes into page 0, so it ends 3,000 bytes into page 16;
      // there a 2,900-byte line fits, and the next one needs 1,196 bytes of padding that the
      // chunk (100 bytes left) cannot hold.
      append(lines, line(1000) + line(2900).repeat(17));
    }
    byte[] bytes = Files.readAllBytes(file);
    assertThat(bytes.length).isEqualTo(17 * JsonLinesFile.PAGE + 2900);
    assertEveryPageEndsWithANewline(bytes);
    assertThat(Files.readAllLines(file).stream().map(String::strip))
        .containsExactly(
            Stream.concat(
                    Stream.of(line(3000).strip(), line(1000).strip()),
                    Stream.generate(() -> line(2900).strip()).limit(17))
                .toArray(String[]::new));
  }

  @Test
  void aLineLongerThanAPageStartsOnAPageBoundary() throws IOException {
    Path file = dir.resolve("metrics.jsonl");
    try (JsonLinesFile lines = new JsonLinesFile(file, 0, 0)) {
      append(lines, line(10));
      append(lines, line(9000));
      append(lines, line(10));
    }
    String text = Files.readString(file);
    assertThat(text.indexOf("{\"x\":\"" + "y".repeat(8990))).isEqualTo(JsonLinesFile.PAGE);
    assertThat(text.lines().map(String::strip))
        .containsExactly(line(10).strip(), line(9000).strip(), line(10).strip());
  }

  @Test
  void aLineLongerThanAPageInsideABatchStartsOnAPageBoundaryBetweenItsNeighbours()
      throws IOException {
    Path file = dir.resolve("metrics.jsonl");
    try (JsonLinesFile lines = new JsonLinesFile(file, 0, 0)) {
      append(lines, line(10) + line(9000) + line(20) + line(5000));
    }
    String text = Files.readString(file);
    assertThat(text.indexOf("{\"x\":\"" + "y".repeat(8990))).isEqualTo(JsonLinesFile.PAGE);
    assertThat(text.indexOf("\n{\"x\":\"" + "y".repeat(4991) + "\"}") + 1)
        .isEqualTo(4 * JsonLinesFile.PAGE);
    assertThat(text.lines().map(String::strip))
        .containsExactly(
            line(10).strip(), line(9000).strip(), line(20).strip(), line(5000).strip());
  }

  @Test
  void bytesAfterTheLastNewlineAreNotALineAndAreNotWritten() throws IOException {
    Path file = dir.resolve("traces.jsonl");
    try (JsonLinesFile lines = new JsonLinesFile(file, 0, 0)) {
      append(lines, "{\"a\":1}\n{\"cut\":");
      append(lines, "no newline at all");
      append(lines, "{\"b\":2}\n");
    }
    assertThat(Files.readString(file)).isEqualTo("{\"a\":1}\n{\"b\":2}\n");
  }

  @Test
  void aTornTailLeftByAKillIsCutWhenTheFileIsOpened() throws IOException {
    Path file = dir.resolve("metrics.jsonl");
    Files.writeString(file, "{\"whole\":1}\n{\"torn\":", StandardCharsets.UTF_8);
    try (JsonLinesFile lines = new JsonLinesFile(file, 0, 0)) {
      assertThat(lines.size()).isEqualTo(12);
      append(lines, "{\"next\":2}\n");
    }
    assertThat(Files.readAllLines(file)).containsExactly("{\"whole\":1}", "{\"next\":2}");
    Files.writeString(file, "no newline at all");
    try (JsonLinesFile lines = new JsonLinesFile(file, 0, 0)) {
      assertThat(lines.size()).isZero();
    }
  }

  @Test
  void rotatesBeforeGrowingPastTheLimitKeepingTheNewestFiles() throws IOException {
    Path file = dir.resolve("traces.jsonl");
    try (JsonLinesFile lines = new JsonLinesFile(file, 100, 2)) {
      for (int i = 0; i < 10; i++) {
        append(lines, "{\"n\":" + i + ",\"pad\":\"" + "p".repeat(40) + "\"}\n");
      }
    }
    assertThat(Files.readAllLines(file)).singleElement().asString().startsWith("{\"n\":9");
    assertThat(Files.readAllLines(JsonLinesFile.rotated(file, 1)))
        .singleElement()
        .asString()
        .startsWith("{\"n\":8");
    assertThat(Files.readAllLines(JsonLinesFile.rotated(file, 2)))
        .singleElement()
        .asString()
        .startsWith("{\"n\":7");
    assertThat(JsonLinesFile.rotated(file, 3)).doesNotExist();
    assertThat(JsonLinesFile.rotated(file, 1).getFileName()).hasToString("traces.1.jsonl");
    assertThat(JsonLinesFile.rotated(Path.of("plain"), 2).getFileName()).hasToString("plain.2");
  }

  @Test
  void keepingNoRotatedFilesStartsTheFileAgain() throws IOException {
    Path file = dir.resolve("metrics.jsonl");
    try (JsonLinesFile lines = new JsonLinesFile(file, 20, 0)) {
      append(lines, "{\"n\":1,\"p\":\"pppp\"}\n");
      append(lines, "{\"n\":2,\"p\":\"pppp\"}\n");
    }
    assertThat(Files.readAllLines(file)).containsExactly("{\"n\":2,\"p\":\"pppp\"}");
    assertThat(JsonLinesFile.rotated(file, 1)).doesNotExist();
  }

  @Test
  void aWriteAfterAnInterruptReopensAndKeepsTheInterrupt() throws IOException {
    Path file = dir.resolve("metrics.jsonl");
    try (JsonLinesFile lines = new JsonLinesFile(file, 0, 0)) {
      append(lines, "{\"before\":1}\n");
      Thread.currentThread().interrupt();
      append(lines, "{\"after\":2}\n");
      assertThat(Thread.interrupted()).isTrue();
    }
    assertThat(Files.readAllLines(file)).containsExactly("{\"before\":1}", "{\"after\":2}");
  }

  /** What makes a write cut at a page boundary leave whole lines. */
  private static void assertEveryPageEndsWithANewline(byte[] bytes) {
    for (int end = JsonLinesFile.PAGE; end <= bytes.length; end += JsonLinesFile.PAGE) {
      assertThat(bytes[end - 1])
          .as("the last byte of the page ending at %d", end)
          .isEqualTo((byte) '\n');
    }
  }

  private static String line(int length) {
    String head = "{\"x\":\"";
    String tail = "\"}\n";
    return head + "y".repeat(length - head.length() - tail.length()) + tail;
  }

  private static void append(JsonLinesFile file, String lines) throws IOException {
    byte[] bytes = lines.getBytes(StandardCharsets.UTF_8);
    file.append(bytes, 0, bytes.length);
  }
}
