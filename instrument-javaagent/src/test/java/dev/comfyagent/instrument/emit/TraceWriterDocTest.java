package dev.comfyagent.instrument.emit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/agent.md describes the trace writer's pace with the figures the writer has. */
class TraceWriterDocTest {

  private static final Path AGENT_DOC = Path.of("../docs/agent.md");

  @Test
  void theAgentGuideStatesTheWritersWakeAndSlice() throws IOException {
    String guide = Files.readString(AGENT_DOC).replaceAll("\\s+", " ");
    assertThat(guide)
        .contains("The writer wakes every " + TraceWriter.IDLE_PARK_MILLIS + " ms")
        .contains("yields its core every " + TraceWriter.SLICE + " lines");
  }
}
