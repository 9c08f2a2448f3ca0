package dev.comfyagent.benchmarks.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MachineDescriptionTest {

  @TempDir Path dir;

  @Test
  void readsBackWhatItWrote() throws IOException {
    MachineDescription machine = MachineDescription.ofThisMachine();
    Path file = MachineDescription.besideResults(dir.resolve("jmh-results.json"));

    machine.write(file);

    assertThat(file.getFileName().toString()).isEqualTo("machine.json");
    assertThat(MachineDescription.read(file)).contains(machine);
  }

  @Test
  void describesThisMachinesProcessorsAndJvm() {
    MachineDescription machine = MachineDescription.ofThisMachine();
    assertThat(machine.logicalCpus()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(machine.javaVm()).contains(System.getProperty("java.vm.version"));
    assertThat(machine.cpuModel()).isNotBlank();
  }

  @Test
  void likeMachinesHaveNoDifferences() {
    MachineDescription a =
        new MachineDescription("t1", "EPYC", 2, 1024, "Linux", "JDK 17", "performance", null);
    MachineDescription b =
        new MachineDescription("t2", "EPYC", 2, 2048, "Linux", "JDK 17", "performance", "later");
    assertThat(a.differencesFrom(b)).isEmpty();
  }

  @Test
  void namesEachDifferenceThatMakesTimingsIncomparable() {
    MachineDescription a =
        new MachineDescription("t", "EPYC", 2, 1024, "Linux", "JDK 17", null, null);
    MachineDescription b =
        new MachineDescription("t", "Xeon", 4, 1024, "Linux", "JDK 25", "powersave", null);
    assertThat(a.differencesFrom(b)).hasSize(4);
  }

  @Test
  void aMissingFileIsNoDescription() throws IOException {
    assertThat(MachineDescription.read(dir.resolve("machine.json"))).isEmpty();
  }

  @Test
  void rejectsAFileThatIsNoDescription() throws IOException {
    Path file = Files.writeString(dir.resolve("machine.json"), "{\"cpu\": 1}");
    assertThatThrownBy(() -> MachineDescription.read(file)).hasMessageContaining("cpu_model");
  }
}
