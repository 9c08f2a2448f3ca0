package dev.comfyagent.instrument.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentFilesTest {

  @TempDir Path dir;

  @Test
  void aFolderGivesEveryKindWithRotatedFilesOldestFirst() throws Exception {
    for (String name :
        List.of(
            "metrics.jsonl",
            "metrics.1.jsonl",
            "metrics.2.jsonl",
            "traces.jsonl",
            "latency.hlog",
            "latency.1.hlog",
            "runtime.log",
            ".instrument-javaagent.lock",
            "c1/metrics-h-1-20261125T101530123Z.jsonl")) {
      Path file = dir.resolve(name);
      Files.createDirectories(file.getParent());
      Files.writeString(file, "");
    }
    AgentFiles files = AgentFiles.find(List.of(dir));
    assertThat(files.metrics())
        .extracting(p -> dir.relativize(p).toString().replace('\\', '/'))
        .containsExactly(
            "c1/metrics-h-1-20261125T101530123Z.jsonl",
            "metrics.2.jsonl",
            "metrics.1.jsonl",
            "metrics.jsonl");
    assertThat(files.traces()).containsExactly(dir.resolve("traces.jsonl"));
    assertThat(files.latencyLogs())
        .containsExactly(dir.resolve("latency.1.hlog"), dir.resolve("latency.hlog"));
    assertThat(files.all()).hasSize(7);
  }

  @Test
  void aNamedFileMustBeOneOfTheAgentsKinds() throws Exception {
    Path log = Files.writeString(dir.resolve("runtime.log"), "");
    assertThatThrownBy(() -> AgentFiles.find(List.of(log)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("runtime.log is none of the agent's files");
    assertThatThrownBy(() -> AgentFiles.find(List.of(dir.resolve("missing"))))
        .hasMessageContaining("no such file or folder");
    assertThat(AgentFiles.find(List.of(dir)).isEmpty()).isTrue();
  }
}
