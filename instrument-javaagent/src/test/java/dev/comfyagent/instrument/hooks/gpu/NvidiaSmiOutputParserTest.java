package dev.comfyagent.instrument.hooks.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class NvidiaSmiOutputParserTest {

  private static final long MIB = 1024L * 1024L;

  @Test
  void readsOneLinePerGpuWithMemoryInBytes() {
    NvidiaSmiOutputParser.Parsed parsed =
        NvidiaSmiOutputParser.parse(
            "0, NVIDIA GeForce RTX 4090, 98, 12697, 24564\n"
                + "1, NVIDIA H100 80GB HBM3, 3, 512, 81559\n");

    assertThat(parsed.faults()).isEmpty();
    assertThat(parsed.devices())
        .containsExactly(
            new GpuDeviceReading(0, "NVIDIA GeForce RTX 4090", 98, 12697 * MIB, 24564 * MIB),
            new GpuDeviceReading(1, "NVIDIA H100 80GB HBM3", 3, 512 * MIB, 81559 * MIB));
  }

  @Test
  void acceptsWindowsLineEnds() {
    NvidiaSmiOutputParser.Parsed parsed =
        NvidiaSmiOutputParser.parse("0, NVIDIA RTX A6000, 12, 100, 49140\r\n");

    assertThat(parsed.faults()).isEmpty();
    assertThat(parsed.devices())
        .extracting(GpuDeviceReading::name)
        .containsExactly("NVIDIA RTX A6000");
  }

  @Test
  void keepsCommasInsideTheGpuName() {
    NvidiaSmiOutputParser.Parsed parsed =
        NvidiaSmiOutputParser.parse("2, Weird, Name, Inc, 50, 10, 20\n");

    assertThat(parsed.faults()).isEmpty();
    assertThat(parsed.devices())
        .containsExactly(new GpuDeviceReading(2, "Weird, Name, Inc", 50, 10 * MIB, 20 * MIB));
  }

  @ParameterizedTest
  @ValueSource(strings = {"[N/A]", "[Not Supported]", "N/A", "[Unknown Error]", ""})
  void treatsAnUnavailableUtilizationAsUnknownAndCountsIt(String field) {
    NvidiaSmiOutputParser.Parsed parsed =
        NvidiaSmiOutputParser.parse("0, Tesla T4, " + field + ", 1000, 15360\n");

    assertThat(parsed.devices())
        .containsExactly(
            new GpuDeviceReading(0, "Tesla T4", GpuDeviceReading.UNKNOWN, 1000 * MIB, 15360 * MIB));
    assertThat(parsed.faults())
        .singleElement()
        .satisfies(
            fault -> {
              assertThat(fault.kind()).isEqualTo(GpuFaultKind.VALUE_UNAVAILABLE);
              assertThat(fault.message()).startsWith("GPU 0: utilization.gpu reads");
            });
  }

  @Test
  void treatsUnavailableMemoryAsUnknownButKeepsUtilization() {
    NvidiaSmiOutputParser.Parsed parsed =
        NvidiaSmiOutputParser.parse("0, NVIDIA A100, 77, [N/A], [N/A]\n");

    assertThat(parsed.devices())
        .containsExactly(
            new GpuDeviceReading(
                0, "NVIDIA A100", 77, GpuDeviceReading.UNKNOWN, GpuDeviceReading.UNKNOWN));
    assertThat(parsed.faults())
        .extracting(GpuFault::kind)
        .containsExactly(GpuFaultKind.VALUE_UNAVAILABLE, GpuFaultKind.VALUE_UNAVAILABLE);
  }

  static Stream<Arguments> malformedOutputs() {
    return Stream.of(
        Arguments.of("garbage", "this is not csv at all\n", "has 1 of 5 fields"),
        Arguments.of("too few fields", "0, NVIDIA H100, 5\n", "has 3 of 5 fields"),
        Arguments.of("index not a number", "GPU-0, NVIDIA H100, 5, 1, 2\n", "is not a number"),
        Arguments.of("cut-off last line", "0, NVIDIA H100, 5, 100, 815", "partial line"),
        Arguments.of("nothing printed", "", "printed no GPU line"),
        Arguments.of("only blank lines", "\n\n", "printed no GPU line"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedOutputs")
  void skipsMalformedLinesAndSaysWhy(String variant, String output, String reason) {
    NvidiaSmiOutputParser.Parsed parsed = NvidiaSmiOutputParser.parse(output);

    assertThat(parsed.devices()).isEmpty();
    assertThat(parsed.faults())
        .singleElement()
        .satisfies(
            fault -> {
              assertThat(fault.kind()).isEqualTo(GpuFaultKind.MALFORMED_OUTPUT);
              assertThat(fault.message()).contains(reason);
            });
  }

  @Test
  void keepsTheGoodLinesWhenOneIsPartial() {
    NvidiaSmiOutputParser.Parsed parsed =
        NvidiaSmiOutputParser.parse("0, NVIDIA L4, 10, 100, 23034\n1, NVIDIA L4, 2");

    assertThat(parsed.devices()).extracting(GpuDeviceReading::index).containsExactly(0);
    assertThat(parsed.faults())
        .extracting(GpuFault::kind)
        .containsExactly(GpuFaultKind.MALFORMED_OUTPUT);
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "-5", "101", "1e2", "0x10", "NaN", "98d"})
  void rejectsAUtilizationThatIsNotAPercentage(String value) {
    NvidiaSmiOutputParser.Parsed parsed =
        NvidiaSmiOutputParser.parse("0, NVIDIA L4, " + value + ", 100, 23034\n");

    assertThat(parsed.devices())
        .singleElement()
        .extracting(GpuDeviceReading::utilizationPercent)
        .isEqualTo(GpuDeviceReading.UNKNOWN);
    assertThat(parsed.faults())
        .extracting(GpuFault::kind)
        .containsExactly(GpuFaultKind.MALFORMED_OUTPUT);
  }

  @Test
  void ignoresMemoryWhenUsedExceedsTotal() {
    NvidiaSmiOutputParser.Parsed parsed =
        NvidiaSmiOutputParser.parse("0, NVIDIA L4, 5, 900, 800\n");

    GpuDeviceReading device = parsed.devices().get(0);
    assertThat(device.hasMemoryUsed()).isFalse();
    assertThat(device.hasMemoryTotal()).isFalse();
    assertThat(device.utilizationPercent()).isEqualTo(5);
    assertThat(parsed.faults().get(0).message()).contains("exceeds memory.total");
  }

  @Test
  void roundsADecimalValue() {
    NvidiaSmiOutputParser.Parsed parsed = NvidiaSmiOutputParser.parse("0, X, 97.5, 10.4, 20\n");

    assertThat(parsed.devices().get(0).utilizationPercent()).isEqualTo(98);
    assertThat(parsed.devices().get(0).memoryUsedBytes()).isEqualTo(10 * MIB);
  }
}
