package dev.comfyagent.benchmarks.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The machine a benchmark run was measured on, stored as {@code machine.json} next to the JMH
 * results: numbers are only comparable between runs on like machines, so the comparator shows both
 * and warns when they differ. The format is described in {@code benchmarks/baseline/README.md}.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * MachineDescription.ofThisMachine().write(MachineDescription.besideResults(resultsJson));
 * Optional<MachineDescription> m = MachineDescription.read(MachineDescription.besideResults(json));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param recordedAt when the run ended (UTC, seconds)
 * @param cpuModel the CPU's model name ({@code /proc/cpuinfo} on Linux), or {@code unknown}
 * @param logicalCpus processors available to the JVM
 * @param memoryTotalMib the machine's physical memory in MiB, or 0 when unknown
 * @param os operating system name, version and architecture
 * @param javaVm the JVM's name and version
 * @param cpuGovernor the Linux CPU frequency governor of cpu0, or {@code null} when not readable
 * @param notes free text from the {@value #NOTES_ENV} environment variable (cloud instance type,
 *     "quiet machine, turbo off"), or {@code null}
 */
public record MachineDescription(
    String recordedAt,
    String cpuModel,
    int logicalCpus,
    long memoryTotalMib,
    String os,
    String javaVm,
    String cpuGovernor,
    String notes) {

  /** Format version written as {@code schema}. */
  public static final int SCHEMA = 1;

  /** File name of the description, in the directory of the results it describes. */
  public static final String FILE_NAME = "machine.json";

  /** Environment variable whose text is recorded as {@code notes}. */
  public static final String NOTES_ENV = "BENCHMARK_MACHINE_NOTES";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * Where the description of {@code resultsJson} lives: {@value #FILE_NAME} beside it.
   *
   * @throws IllegalArgumentException when {@code resultsJson} is a file system root, which has no
   *     directory to hold a file beside it
   */
  public static Path besideResults(Path resultsJson) {
    Path absolute = resultsJson.toAbsolutePath();
    Path dir = absolute.getParent();
    if (dir == null) {
      throw new IllegalArgumentException(
          "results file " + absolute + " is a file system root, not a file in a directory");
    }
    return dir.resolve(FILE_NAME);
  }

  /**
   * Describes the machine this JVM runs on: CPU model and frequency governor from Linux's {@code
   * proc} and {@code sys} file systems under the file system root, the rest from the JVM.
   */
  public static MachineDescription ofThisMachine() {
    // The first root is "/" on Linux, where /proc and /sys exist; elsewhere the files are simply
    // not found and the fields say unknown.
    return ofMachineRootedAt(FileSystems.getDefault().getRootDirectories().iterator().next());
  }

  /**
   * Describes the machine whose Linux {@code proc/cpuinfo} and {@code
   * sys/devices/system/cpu/cpu0/cpufreq/scaling_governor} are under {@code root} (the file system
   * root, or a copy of those files elsewhere); processors, memory, OS and JVM are this JVM's.
   */
  static MachineDescription ofMachineRootedAt(Path root) {
    return new MachineDescription(
        Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
        readCpuModel(root.resolve("proc/cpuinfo")),
        Runtime.getRuntime().availableProcessors(),
        readMemoryTotalMib(),
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"),
        firstLine(root.resolve("sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"))
            .orElse(null),
        System.getenv(NOTES_ENV));
  }

  /** Writes this description as JSON. */
  public void write(Path file) throws IOException {
    ObjectNode node = JSON.createObjectNode();
    node.put("schema", SCHEMA);
    node.put("recorded_at", recordedAt);
    node.put("cpu_model", cpuModel);
    node.put("logical_cpus", logicalCpus);
    node.put("memory_total_mib", memoryTotalMib);
    node.put("os", os);
    node.put("java_vm", javaVm);
    node.put("cpu_governor", cpuGovernor);
    node.put("notes", notes);
    Files.writeString(file, JSON.writeValueAsString(node) + "\n", StandardCharsets.UTF_8);
  }

  /**
   * Reads a description; empty when the file does not exist.
   *
   * @throws IOException when the file exists but is not a description
   */
  public static Optional<MachineDescription> read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    JsonNode node = JSON.readTree(file.toFile());
    if (node == null || !node.isObject() || !node.has("cpu_model")) {
      throw new IOException(file + " is not a machine description (no cpu_model)");
    }
    return Optional.of(
        new MachineDescription(
            node.path("recorded_at").asText(""),
            node.path("cpu_model").asText("unknown"),
            node.path("logical_cpus").asInt(0),
            node.path("memory_total_mib").asLong(0),
            node.path("os").asText(""),
            node.path("java_vm").asText(""),
            node.path("cpu_governor").isTextual() ? node.get("cpu_governor").asText() : null,
            node.path("notes").isTextual() ? node.get("notes").asText() : null));
  }

  /**
   * What makes timings of the two machines incomparable (CPU model, CPU count, JVM), one line each;
   * empty when they are alike.
   */
  public List<String> differencesFrom(MachineDescription other) {
    List<String> differences = new ArrayList<>();
    if (!cpuModel.equals(other.cpuModel)) {
      differences.add("CPU " + other.cpuModel + " -> " + cpuModel);
    }
    if (logicalCpus != other.logicalCpus) {
      differences.add("CPUs " + other.logicalCpus + " -> " + logicalCpus);
    }
    if (!javaVm.equals(other.javaVm)) {
      differences.add("JVM " + other.javaVm + " -> " + javaVm);
    }
    if (!Objects.equals(cpuGovernor, other.cpuGovernor)) {
      differences.add("CPU governor " + other.cpuGovernor + " -> " + cpuGovernor);
    }
    return differences;
  }

  /** One line for tables: CPU, count, memory, JVM. */
  public String summary() {
    return cpuModel
        + ", "
        + logicalCpus
        + " CPUs, "
        + (memoryTotalMib > 0 ? memoryTotalMib / 1024 + " GiB, " : "")
        + javaVm
        + (notes == null || notes.isBlank() ? "" : " (" + notes + ")");
  }

  private static String readCpuModel(Path cpuinfo) {
    try {
      if (Files.isReadable(cpuinfo)) {
        for (String line : Files.readAllLines(cpuinfo, StandardCharsets.UTF_8)) {
          if (line.startsWith("model name")) {
            return line.substring(line.indexOf(':') + 1).trim();
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux, or not readable: the architecture is the best we know.
    }
    return "unknown " + System.getProperty("os.arch") + " CPU";
  }

  private static long readMemoryTotalMib() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize() / (1024 * 1024);
    }
    return 0;
  }

  private static Optional<String> firstLine(Path file) {
    try {
      if (Files.isReadable(file)) {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
            .findFirst()
            .map(String::trim);
      }
    } catch (IOException e) {
      // Unreadable under some containers; the governor is then simply not recorded.
    }
    return Optional.empty();
  }
}
