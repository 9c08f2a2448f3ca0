package dev.comfyagent.instrument.hooks.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class GpuSettingsTest {

  @Test
  void defaultsMatchTheDocumentation() {
    GpuSettings settings = GpuSettings.fromOptions(Map.of(), Map.of());

    assertThat(settings.mode()).isEqualTo(GpuMode.AUTO);
    assertThat(settings.busyInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(settings.idleInterval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(settings.commandTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(settings.gpuIndex()).isNull();
    assertThat(settings.nvidiaSmiPath()).isNull();
    assertThat(settings.comfyUiHost()).isEqualTo("127.0.0.1");
    assertThat(settings.comfyUiPort()).isEqualTo(8188);
    assertThat(settings.gpuTools()).containsExactly("execute_workflow");
    assertThat(settings.isGpuBound("execute_workflow")).isTrue();
    assertThat(settings.isGpuBound("load_workflow")).isFalse();
  }

  @ParameterizedTest
  @CsvSource({"auto,AUTO", "nvidia-smi,NVIDIA_SMI", "comfyui,COMFYUI", "off,OFF", "OFF,OFF"})
  void readsEveryMode(String value, GpuMode expected) {
    assertThat(GpuSettings.fromOptions(Map.of("gpu", value), Map.of()).mode()).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    "500ms,500",
    "1s,1000",
    "1.5s,1500",
    "2m,120000",
    "1h,3600000",
    "3,3000",
    "250 MS,250"
  })
  void readsDurationsWithUnits(String value, long millis) {
    GpuSettings settings = GpuSettings.fromOptions(Map.of("gpu.interval", value), Map.of());

    assertThat(settings.busyInterval()).isEqualTo(Duration.ofMillis(millis));
  }

  @Test
  void readsTheOtherOptions(@TempDir Path temp) throws IOException {
    Path smi = Files.writeString(temp.resolve("nvidia-smi"), "");
    GpuSettings settings =
        GpuSettings.fromOptions(
            Map.of(
                "gpu.idle.interval", "5m",
                "gpu.timeout", "750ms",
                "gpu.index", "1",
                "gpu.nvidia-smi", smi.toString(),
                "gpu.tools", "execute_workflow; upscale_images|render",
                "gpu.comfyui.host", "comfy.internal",
                "gpu.comfyui.port", "8190"),
            Map.of());

    assertThat(settings.idleInterval()).isEqualTo(Duration.ofMinutes(5));
    assertThat(settings.commandTimeout()).isEqualTo(Duration.ofMillis(750));
    assertThat(settings.gpuIndex()).isEqualTo(1);
    assertThat(settings.nvidiaSmiPath()).isEqualTo(smi);
    assertThat(settings.gpuTools()).containsExactly("execute_workflow", "upscale_images", "render");
    assertThat(settings.comfyUiHost()).isEqualTo("comfy.internal");
    assertThat(settings.comfyUiPort()).isEqualTo(8190);
  }

  @Test
  void takesComfyUiFromTheRuntimesEnvironment() {
    GpuSettings settings =
        GpuSettings.fromOptions(
            Map.of(), Map.of("COMFYUI_HOST", "gpu-box", "COMFYUI_PORT", "8288"));

    assertThat(settings.comfyUiHost()).isEqualTo("gpu-box");
    assertThat(settings.comfyUiPort()).isEqualTo(8288);
  }

  @Test
  void letsOptionsOverrideTheEnvironment() {
    GpuSettings settings =
        GpuSettings.fromOptions(
            Map.of("gpu.comfyui.host", "other", "gpu.comfyui.port", "1234"),
            Map.of("COMFYUI_HOST", "gpu-box", "COMFYUI_PORT", "not a port"));

    assertThat(settings.comfyUiHost()).isEqualTo("other");
    assertThat(settings.comfyUiPort()).isEqualTo(1234);
  }

  @Test
  void ignoresOptionsOfOtherParts() {
    GpuSettings settings =
        GpuSettings.fromOptions(Map.of("output.dir", "/tmp/x", "gpuish", "1"), Map.of());

    assertThat(settings).isEqualTo(GpuSettings.fromOptions(Map.of(), Map.of()));
  }

  static Stream<Arguments> invalidOptions() {
    return Stream.of(
        Arguments.of(
            Map.of("gpu", "cuda"), "gpu=cuda: expected one of auto, on, nvidia-smi, comfyui, off"),
        Arguments.of(
            Map.of("gpu.interval", "fast"),
            "gpu.interval=fast: expected a duration such as 500ms, 1s, 1.5s or 2m"),
        Arguments.of(
            Map.of("gpu.interval", "10ms"), "gpu.interval=10ms: expected between 100ms and 24h"),
        Arguments.of(
            Map.of("gpu.idle.interval", "2d"),
            "gpu.idle.interval=2d: expected a duration such as 500ms, 1s, 1.5s or 2m"),
        Arguments.of(Map.of("gpu.timeout", "5m"), "gpu.timeout=5m: expected between 100ms and 1m"),
        Arguments.of(Map.of("gpu.index", "-1"), "gpu.index=-1: expected a GPU index such as 0"),
        Arguments.of(
            Map.of("gpu.index", "first"), "gpu.index=first: expected a GPU index such as 0"),
        Arguments.of(
            Map.of("gpu.nvidia-smi", "/nowhere/nvidia-smi"),
            "gpu.nvidia-smi=/nowhere/nvidia-smi: no such file"),
        Arguments.of(
            Map.of("gpu.tools", " ; "),
            "gpu.tools= ; : expected tool names separated by ';', e.g. execute_workflow"),
        Arguments.of(
            Map.of("gpu.tools", "execute_workflow;rm -rf/*"),
            "gpu.tools=execute_workflow;rm -rf/*: tool name '-rf/*' has characters tool names never"
                + " use"),
        Arguments.of(
            Map.of("gpu.comfyui.port", "70000"),
            "gpu.comfyui.port=70000: expected a TCP port (1-65535)"),
        Arguments.of(
            Map.of("gpu.intervall", "1s"),
            "unknown option gpu.intervall; GPU options are gpu, gpu.interval, gpu.idle.interval,"
                + " gpu.timeout, gpu.index, gpu.nvidia-smi, gpu.tools, gpu.comfyui.host,"
                + " gpu.comfyui.port"));
  }

  @ParameterizedTest
  @MethodSource("invalidOptions")
  void rejectsAnInvalidValueNamingTheKeyAndWhatIsValid(
      Map<String, String> options, String message) {
    assertThatThrownBy(() -> GpuSettings.fromOptions(options, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void rejectsABadPortInTheEnvironmentNamingTheVariable() {
    assertThatThrownBy(() -> GpuSettings.fromOptions(Map.of(), Map.of("COMFYUI_PORT", "x")))
        .hasMessage("COMFYUI_PORT=x: expected a TCP port (1-65535)");
  }
}
