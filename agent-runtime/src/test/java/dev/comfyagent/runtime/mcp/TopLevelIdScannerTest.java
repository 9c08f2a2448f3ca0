package dev.comfyagent.runtime.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopLevelIdScannerTest {

  private static String idOf(String line) {
    TopLevelIdScanner scanner = new TopLevelIdScanner();
    for (byte b : line.getBytes(StandardCharsets.UTF_8)) {
      scanner.write(b);
    }
    byte[] id = scanner.id();
    return id == null ? "none" : new String(id, StandardCharsets.UTF_8);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "{\"id\":7,\"method\":\"x\"}|7",
        "{\"method\":\"x\",\"params\":{\"id\":1,\"a\":[{\"id\":2}]},\"id\":\"r-9\"}|\"r-9\"",
        "{ \"id\" : -12.5e3 , \"x\":1}|-12.5e3",
        "{\"params\":{\"s\":\"a \\\" \\\"id\\\": 3 }\"},\"id\":4}|4",
        "{\"id\":\"a\\\"b\"}|\"a\\\"b\"",
        "{\"id\":null}|none",
        "{\"id\":{\"x\":1}}|none",
        "{\"identifier\":5}|none",
        "[{\"id\":1}]|none",
        "{\"method\":\"x\"}|none",
        "{\"id\":99|99",
      })
  void findsTheTopLevelIdOnly(String line, String id) {
    assertThat(idOf(line)).isEqualTo(id);
  }

  @org.junit.jupiter.api.Test
  void givesUpOnAnIdTooLongToAnswer() {
    assertThat(idOf("{\"id\":\"" + "x".repeat(300) + "\"}")).isEqualTo("none");
  }
}
