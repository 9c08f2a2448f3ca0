package dev.comfyagent.instrument.hooks.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GpuExtensionTest {

  private static final long MIB = 1024L * 1024L;

  @Test
  void theGpuNamespaceBecomesTheFullOptionKeys() {
    assertThat(GpuExtension.options(Map.of("", "comfyui", "interval", "500ms")))
        .containsExactly(Map.entry("gpu", "comfyui"), Map.entry("gpu.interval", "500ms"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "dev.comfyagent.runtime.cli.RuntimeMain serve --comfyui-host comfy --comfyui-port 9000|comfy|9000",
        "/opt/agent-runtime.jar serve --comfyui-host=10.0.0.5|10.0.0.5|8188",
        "/opt/agent-runtime.jar serve|env-host|8188",
        "--comfyui-host|env-host|8188"
      })
  void theRuntimesFlagsOverrideItsEnvironmentForTheComfyUiFallback(
      String command, String host, String port) {
    Map<String, String> env =
        GpuExtension.runtimeEnvironment(
            Map.of("COMFYUI_HOST", "env-host", "COMFYUI_PORT", "8188", "HOME", "/root"), command);
    assertThat(env)
        .containsEntry("COMFYUI_HOST", host)
        .containsEntry("COMFYUI_PORT", port)
        .containsEntry("HOME", "/root");
  }

  @Test
  void withoutACommandLineTheEnvironmentIsUsedAsItIs() {
    assertThat(GpuExtension.runtimeEnvironment(Map.of("COMFYUI_PORT", "1"), null))
        .containsExactly(Map.entry("COMFYUI_PORT", "1"));
  }

  @Test
  void theSectionOfADisabledSamplerSaysOffOnly() {
    try (GpuSampler off =
        GpuSampler.start(GpuSettings.defaults().withMode(GpuMode.OFF), notice -> {})) {
      assertThat(new GpuSection(off).figures(true)).isEqualTo(Map.of("mode", "off"));
    }
  }

  @Test
  void theSectionCarriesTheLastReadAndTheCounters() throws Exception {
    GpuSource source =
        new GpuSource() {
          @Override
          public String name() {
            return GpuSource.NVIDIA_SMI;
          }

          @Override
          public GpuSample read() {
            return new GpuSample(
                Instant.now(),
                name(),
                List.of(
                    new GpuDeviceReading(
                        1, "A100", GpuDeviceReading.UNKNOWN, 40960 * MIB, 81920 * MIB)),
                List.of(
                    new GpuFault(
                        GpuFaultKind.VALUE_UNAVAILABLE, "GPU 1: utilization.gpu reads [N/A]")));
          }
        };
    try (GpuSampler sampler =
        GpuSampler.start(
            GpuSettings.defaults()
                .withMode(GpuMode.NVIDIA_SMI)
                .withTiming(Duration.ofMillis(20), Duration.ofHours(1), Duration.ofSeconds(1)),
            source,
            notice -> {})) {
      sampler.open().close();
      GpuSection section = new GpuSection(sampler);
      Map<String, ?> figures = section.figures(false);
      assertThat(section.name()).isEqualTo("gpu");
      assertThat(figures.get("mode")).isEqualTo("nvidia-smi");
      assertThat(figures.get("source")).isEqualTo("nvidia-smi");
      Map<?, ?> last = (Map<?, ?>) figures.get("last");
      assertThat(last.get("gpu")).isEqualTo(1);
      assertThat(last.get("name")).isEqualTo("A100");
      assertThat(last.get("utilization_pct")).isNull();
      assertThat(last.get("vram_used_bytes")).isEqualTo(40960 * MIB);
      assertThat(last.get("text")).isEqualTo("(VRAM: 40.0/80GB)");
      assertThat(((Map<?, ?>) figures.get("errors")).containsKey("value-unavailable")).isTrue();
      assertThat((String) figures.get("last_error")).contains("[N/A]");
      assertThat((Long) figures.get("reads")).isPositive();
      assertThat(figures.get("windows_open")).isEqualTo(0);
    }
  }
}
