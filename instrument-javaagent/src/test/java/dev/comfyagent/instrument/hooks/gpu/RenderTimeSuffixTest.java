package dev.comfyagent.instrument.hooks.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RenderTimeSuffixTest {

  private static final long MIB = 1024L * 1024L;
  private static final int UNKNOWN = GpuDeviceReading.UNKNOWN;

  private static GpuReading reading(
      String source, int utilization, long usedBytes, long totalBytes) {
    return new GpuReading(source, 0, "GPU", utilization, usedBytes, totalBytes, 3);
  }

  static Stream<Arguments> readings() {
    return Stream.of(
        Arguments.of(
            "RTX 4090 busy",
            reading("nvidia-smi", 98, 12697 * MIB, 24564 * MIB),
            "(GPU: 98%, VRAM: 12.4/24GB)"),
        Arguments.of(
            "H100 total keeps its decimal",
            reading("nvidia-smi", 100, 70000 * MIB, 81559 * MIB),
            "(GPU: 100%, VRAM: 68.4/79.6GB)"),
        Arguments.of(
            "idle GPU", reading("nvidia-smi", 0, 0, 24576 * MIB), "(GPU: 0%, VRAM: 0.0/24GB)"),
        Arguments.of(
            "ComfyUI fallback has no utilisation",
            reading("comfyui", UNKNOWN, 13871038464L, 25386352640L),
            "(VRAM: 12.9/23.6GB)"),
        Arguments.of(
            "memory unavailable",
            reading("nvidia-smi", 77, UNKNOWN, UNKNOWN),
            "(GPU: 77%, VRAM: n/a)"),
        Arguments.of(
            "total unavailable",
            reading("nvidia-smi", 50, 2048 * MIB, UNKNOWN),
            "(GPU: 50%, VRAM: 2.0GB)"),
        Arguments.of(
            "nothing known", reading("nvidia-smi", UNKNOWN, UNKNOWN, UNKNOWN), "(GPU: n/a)"),
        Arguments.of("no sample", GpuReading.none("nvidia-smi"), "(GPU: n/a)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("readings")
  void describesEachKindOfReading(String variant, GpuReading reading, String expected) {
    assertThat(RenderTimeSuffix.describe(reading)).isEqualTo(expected);
  }

  @Test
  void insertsTheFiguresRightAfterTheRenderTime() {
    String text = "Rendered in 4.2s\nOutputs: ComfyUI_00001_.png";

    assertThat(
            RenderTimeSuffix.insertAfterRenderTime(
                text, reading("nvidia-smi", 98, 12697 * MIB, 24564 * MIB)))
        .isEqualTo("Rendered in 4.2s (GPU: 98%, VRAM: 12.4/24GB)\nOutputs: ComfyUI_00001_.png");
  }

  @Test
  void insertsIntoWholeSecondsToo() {
    assertThat(
            RenderTimeSuffix.insertAfterRenderTime("Rendered in 12s.", GpuReading.none("comfyui")))
        .isEqualTo("Rendered in 12s (GPU: n/a).");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Prompt queued as 3f2a",
        " Rendered in 4.2s",
        "rendered in 4.2s",
        "Rendered in s",
        "Rendered in 4.2 s",
        "Rendered in 4.2s (GPU: 90%, VRAM: 1.0/24GB)",
        ""
      })
  void leavesOtherTextUnchanged(String text) {
    assertThat(
            RenderTimeSuffix.insertAfterRenderTime(
                text, reading("nvidia-smi", 98, 12697 * MIB, 24564 * MIB)))
        .isSameAs(text);
  }

  @Test
  void leavesTheTextExactlyAsItWasWhenSamplingIsOff() {
    String text = "Rendered in 4.2s";

    assertThat(RenderTimeSuffix.insertAfterRenderTime(text, GpuReading.disabled())).isSameAs(text);
    assertThat(RenderTimeSuffix.describe(GpuReading.disabled())).isEmpty();
  }

  @Test
  void formatsTheSameInEveryLocale() {
    Locale saved = Locale.getDefault();
    try {
      Locale.setDefault(Locale.GERMANY);
      assertThat(RenderTimeSuffix.describe(reading("nvidia-smi", 98, 12697 * MIB, 81559 * MIB)))
          .isEqualTo("(GPU: 98%, VRAM: 12.4/79.6GB)");
    } finally {
      Locale.setDefault(saved);
    }
  }
}
