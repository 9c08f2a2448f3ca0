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
  void readsCpuModelAndGovernorFromLinuxFilesUnderTheRoot() throws IOException {
    Path proc = Files.createDirectories(dir.resolve("proc"));
    Files.writeString(
        proc.resolve("cpuinfo"),
        "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\n"
            + "processor\t: 1\nmodel name\t: AMD EPYC 7B13\n");
    Path cpufreq = Files.createDirectories(dir.resolve("sys/devices/system/cpu/cpu0/cpufreq"));
    Files.writeString(cpufreq.resolve("scaling_governor"), "performance\n");

    MachineDescription machine = MachineDescription.ofMachineRootedAt(dir);

    assertThat(machine.cpuModel()).isEqualTo("AMD EPYC 7B13");
    assertThat(machine.cpuGovernor()).isEqualTo("performance");
  }

  @Test
  void saysUnknownWhereTheLinuxFilesAreMissing() {
    MachineDescription machine = MachineDescription.ofMachineRootedAt(dir);

    assertThat(machine.cpuModel()).isEqualTo("unknown " + System.getProperty("os.arch") + " CPU");
    assertThat(machine.cpuGovernor()).isNull();
  }

  @Test
  void rejectsAFileSystemRootAsResultsFile() {
    Path root = dir.toAbsolutePath().getRoot();
    assertThatThrownBy(() -> MachineDescription.besideResults(root))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("file system root");
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
