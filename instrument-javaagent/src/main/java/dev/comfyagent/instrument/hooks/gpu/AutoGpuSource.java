package dev.comfyagent.instrument.hooks.gpu;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code gpu=auto}: nvidia-smi when it is found and answers with at least one GPU on the first
 * read, otherwise ComfyUI's {@code /system_stats} — decided once, on the sampler thread, and kept.
 *
 * <p>Deciding once keeps a broken nvidia-smi (a container with the tool but no driver) from being
 * started every second for nothing; the faults of that first try are counted and the choice is
 * announced through the notice consumer. A missing nvidia-smi is the normal case for a remote
 * ComfyUI and is announced, not counted.
 *
 * <p>Confined to the sampler thread.
 */
final class AutoGpuSource implements GpuSource {

  private final NvidiaSmiSource nvidiaSmi;
  private final ComfyUiSystemStatsSource comfyUi;
  private final Consumer<String> notices;
  private GpuSource chosen;

  AutoGpuSource(
      NvidiaSmiSource nvidiaSmi, ComfyUiSystemStatsSource comfyUi, Consumer<String> notices) {
    this.nvidiaSmi = nvidiaSmi;
    this.comfyUi = comfyUi;
    this.notices = notices;
  }

  @Override
  public String name() {
    return chosen == null ? "auto" : chosen.name();
  }

  @Override
  public void abort() {
    nvidiaSmi.abort();
    comfyUi.abort();
  }

  @Override
  public GpuSample read() throws InterruptedException {
    if (chosen != null) {
      return chosen.read();
    }
    if (nvidiaSmi.executable().isEmpty()) {
      chosen = comfyUi;
      notices.accept(
          "GPU sampling: "
              + nvidiaSmi.describeSearch()
              + "; using ComfyUI /system_stats at "
              + comfyUi.address()
              + " (VRAM only, no utilisation)");
      return comfyUi.read();
    }
    GpuSample first = nvidiaSmi.read();
    if (first.hasDevices()) {
      chosen = nvidiaSmi;
      notices.accept("GPU sampling: using " + nvidiaSmi.executable().orElseThrow());
      return first;
    }
    chosen = comfyUi;
    notices.accept(
        "GPU sampling: nvidia-smi did not work ("
            + (first.faults().isEmpty() ? "no GPU listed" : first.faults().get(0).message())
            + "); using ComfyUI /system_stats at "
            + comfyUi.address()
            + " (VRAM only, no utilisation)");
    GpuSample fallback = comfyUi.read();
    List<GpuFault> faults = new ArrayList<>(first.faults());
    faults.addAll(fallback.faults());
    return new GpuSample(fallback.takenAt(), fallback.source(), fallback.devices(), faults);
  }
}
