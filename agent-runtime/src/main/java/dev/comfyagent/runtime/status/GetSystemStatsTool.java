package dev.comfyagent.runtime.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.comfy.ComfyUiClient;
import dev.comfyagent.runtime.tool.InputSchema;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolResult;
import java.util.Locale;

/**
 * {@code get_system_stats}: ComfyUI's {@code /system_stats} in words: versions, each GPU with its
 * VRAM in use, and system RAM.
 */
final class GetSystemStatsTool implements Tool {

  private static final double GB = 1024.0 * 1024 * 1024;

  private final ComfyUiClient client;

  GetSystemStatsTool(ComfyUiClient client) {
    this.client = client;
  }

  @Override
  public String name() {
    return "get_system_stats";
  }

  @Override
  public String description() {
    return "Show the machine ComfyUI runs on: ComfyUI, Python and PyTorch versions, each GPU with"
        + " its VRAM used and total, and system RAM. Useful before a large render or after an"
        + " out-of-memory error.";
  }

  @Override
  public ObjectNode inputSchema() {
    return InputSchema.object().build();
  }

  @Override
  public boolean readOnly() {
    return true;
  }

  @Override
  public ToolResult call(ObjectNode arguments, ToolContext context) {
    JsonNode stats = client.systemStats();
    return ToolResult.of(describe(stats, client.endpoint()), stats);
  }

  static String describe(JsonNode stats, String endpoint) {
    JsonNode system = stats.path("system");
    StringBuilder out = new StringBuilder("ComfyUI ");
    out.append(system.path("comfyui_version").asText("(version unknown)"))
        .append(" at ")
        .append(endpoint)
        .append(" on ")
        .append(system.path("os").asText("?"))
        .append(", Python ")
        .append(system.path("python_version").asText("?").split(" ")[0])
        .append(", PyTorch ")
        .append(system.path("pytorch_version").asText("?"));
    JsonNode devices = stats.path("devices");
    if (devices.size() == 0) {
      out.append("\nNo GPU reported.");
    }
    for (JsonNode device : devices) {
      long total = device.path("vram_total").asLong();
      long free = device.path("vram_free").asLong();
      out.append("\nGPU ")
          .append(device.path("index").asText("0"))
          .append(": ")
          .append(deviceName(device.path("name").asText("?")))
          .append(" (")
          .append(device.path("type").asText("?"))
          .append("), VRAM ")
          .append(gb(total - free))
          .append(" of ")
          .append(gb(total))
          .append(" GB used, ")
          .append(gb(device.path("torch_vram_total").asLong()))
          .append(" GB held by PyTorch");
    }
    long ramTotal = system.path("ram_total").asLong();
    long ramFree = system.path("ram_free").asLong();
    out.append("\nRAM ")
        .append(gb(ramTotal - ramFree))
        .append(" of ")
        .append(gb(ramTotal))
        .append(" GB used");
    if (system.hasNonNull("simulator")) {
      out.append("\nNote: ").append(system.get("simulator").asText());
    }
    return out.toString();
  }

  /** "cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync" reads as "NVIDIA GeForce RTX 4090". */
  static String deviceName(String raw) {
    String name = raw.replaceFirst("^[a-z]+:\\d+\\s+", "");
    int allocator = name.lastIndexOf(" : ");
    return allocator > 0 ? name.substring(0, allocator) : name;
  }

  private static String gb(long bytes) {
    return String.format(Locale.ROOT, "%.1f", bytes / GB);
  }
}
