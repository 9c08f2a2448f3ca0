package dev.comfyagent.instrument.hooks.gpu;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads the output of {@code nvidia-smi
 * --query-gpu=index,name,utilization.gpu,memory.used,memory.total --format=csv,noheader,nounits}:
 * one line per GPU, e.g. {@code 0, NVIDIA GeForce RTX 4090, 98, 12697, 24564} (memory in MiB).
 *
 * <p>What it tolerates, and how each is reported:
 *
 * <ul>
 *   <li>a field reading {@code [N/A]}, {@code [Not Supported]} or any other bracketed word: that
 *       value is unknown ({@link GpuFaultKind#VALUE_UNAVAILABLE}), the rest of the line is kept;
 *   <li>a value that is not a number, or out of range: that value is unknown ({@link
 *       GpuFaultKind#MALFORMED_OUTPUT});
 *   <li>a line with fewer than five fields, an index that is not a number, or a last line without
 *       its line end (the output was cut): the line is skipped ({@link
 *       GpuFaultKind#MALFORMED_OUTPUT});
 *   <li>a GPU name holding commas: the name is everything between the first and the last three
 *       fields.
 * </ul>
 *
 * <p>Stateless and thread safe.
 */
final class NvidiaSmiOutputParser {

  private static final int FIELDS = 5;
  private static final int MAX_QUOTED = 80;
  // MiB values above this would overflow a long once turned into bytes.
  private static final long MAX_MIB = Long.MAX_VALUE / GpuDeviceReading.MIB;
  private static final Pattern NUMBER = Pattern.compile("\\d{1,18}(\\.\\d{1,9})?");

  private NvidiaSmiOutputParser() {}

  /** The GPUs found and the faults met. */
  record Parsed(List<GpuDeviceReading> devices, List<GpuFault> faults) {}

  static Parsed parse(String output) {
    List<GpuDeviceReading> devices = new ArrayList<>();
    List<GpuFault> faults = new ArrayList<>();
    String[] lines = output.split("\r?\n", -1);
    // split(-1) leaves "" after a final line end; anything else there is an unterminated line.
    int complete = lines.length - 1;
    for (int number = 1; number <= lines.length; number++) {
      String line = lines[number - 1];
      if (line.isBlank()) {
        continue;
      }
      if (number > complete) {
        faults.add(
            malformed("nvidia-smi output ends in a partial line (no line end): " + quote(line)));
        continue;
      }
      parseLine(number, line, devices, faults);
    }
    if (devices.isEmpty() && faults.isEmpty()) {
      faults.add(malformed("nvidia-smi printed no GPU line"));
    }
    return new Parsed(devices, faults);
  }

  private static void parseLine(
      int number, String line, List<GpuDeviceReading> devices, List<GpuFault> faults) {
    String[] fields = line.split(",", -1);
    if (fields.length < FIELDS) {
      faults.add(
          malformed(
              "nvidia-smi line "
                  + number
                  + " has "
                  + fields.length
                  + " of "
                  + FIELDS
                  + " fields: "
                  + quote(line)));
      return;
    }
    int index;
    try {
      index = Integer.parseInt(fields[0].trim());
    } catch (NumberFormatException e) {
      faults.add(
          malformed(
              "nvidia-smi line "
                  + number
                  + ": GPU index "
                  + quote(fields[0].trim())
                  + " is not"
                  + " a number"));
      return;
    }
    int last = fields.length - 1;
    String name = String.join(",", Arrays.copyOfRange(fields, 1, last - 2)).trim();
    String gpu = "GPU " + index;
    long utilization = value(gpu, "utilization.gpu", fields[last - 2], 100, faults);
    long usedMib = value(gpu, "memory.used", fields[last - 1], MAX_MIB, faults);
    long totalMib = value(gpu, "memory.total", fields[last], MAX_MIB, faults);
    if (usedMib != GpuDeviceReading.UNKNOWN
        && totalMib != GpuDeviceReading.UNKNOWN
        && usedMib > totalMib) {
      faults.add(
          malformed(
              gpu
                  + ": memory.used "
                  + usedMib
                  + " MiB exceeds memory.total "
                  + totalMib
                  + " MiB; both ignored"));
      usedMib = GpuDeviceReading.UNKNOWN;
      totalMib = GpuDeviceReading.UNKNOWN;
    }
    devices.add(
        new GpuDeviceReading(
            index,
            name,
            (int) utilization,
            usedMib == GpuDeviceReading.UNKNOWN ? usedMib : usedMib * GpuDeviceReading.MIB,
            totalMib == GpuDeviceReading.UNKNOWN ? totalMib : totalMib * GpuDeviceReading.MIB));
  }

  private static long value(String gpu, String field, String raw, long max, List<GpuFault> faults) {
    String text = raw.trim();
    if (text.isEmpty()
        || (text.startsWith("[") && text.endsWith("]"))
        || text.equalsIgnoreCase("N/A")) {
      faults.add(
          new GpuFault(
              GpuFaultKind.VALUE_UNAVAILABLE,
              gpu + ": " + field + " reads " + (text.isEmpty() ? "nothing" : text)));
      return GpuDeviceReading.UNKNOWN;
    }
    if (!NUMBER.matcher(text).matches()) {
      faults.add(malformed(gpu + ": " + field + " " + quote(text) + " is not a number"));
      return GpuDeviceReading.UNKNOWN;
    }
    // nounits gives whole numbers; a decimal fraction is accepted and rounded.
    long parsed = new BigDecimal(text).setScale(0, RoundingMode.HALF_UP).longValueExact();
    if (parsed > max) {
      faults.add(malformed(gpu + ": " + field + " " + quote(text) + " is out of range"));
      return GpuDeviceReading.UNKNOWN;
    }
    return parsed;
  }

  private static GpuFault malformed(String message) {
    return new GpuFault(GpuFaultKind.MALFORMED_OUTPUT, message);
  }

  private static String quote(String text) {
    String shown = text.length() > MAX_QUOTED ? text.substring(0, MAX_QUOTED) + "…" : text;
    return "'" + shown + "'";
  }
}
