package dev.comfyagent.instrument.hooks.gpu;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * GPU figures from ComfyUI's {@code GET /system_stats}: for each device, {@code vram_total} and
 * {@code vram_free} in bytes, so VRAM used = total − free. ComfyUI reports no utilisation, so
 * figures from here never have one.
 *
 * <p>This is the fallback for ComfyUI running in another container or on another host, where
 * nvidia-smi cannot see its GPU. Devices of type {@code cpu} (ComfyUI started with {@code --cpu}
 * reports system RAM there) are not GPUs and are left out.
 *
 * <p>Reads run on the sampler thread; {@link #abort} may be called from any thread.
 */
final class ComfyUiSystemStatsSource implements GpuSource {

  private static final JsonFactory JSON = new JsonFactory();
  private static final int MAX_BODY_BYTES = 1024 * 1024;

  private final String address;
  private final URI uri;
  private final Duration timeout;
  private final Clock clock;
  // Set by the sampler thread around a read; abort() closes it from the thread that stops.
  private volatile HttpURLConnection inFlight;
  private volatile boolean aborted;

  ComfyUiSystemStatsSource(String host, int port, Duration timeout, Clock clock) {
    boolean ipv6 = host.indexOf(':') >= 0 && !host.startsWith("[");
    this.address = (ipv6 ? "[" + host + "]" : host) + ":" + port;
    this.uri = toUri("http://" + address + "/system_stats");
    this.timeout = timeout;
    this.clock = clock;
  }

  @Override
  public String name() {
    return COMFYUI;
  }

  /** {@code host:port} of the ComfyUI asked, for messages. */
  String address() {
    return address;
  }

  @Override
  public GpuSample read() throws InterruptedException {
    if (uri == null) {
      return failed(GpuFaultKind.UNREACHABLE, "ComfyUI address " + address + " is not valid");
    }
    byte[] body;
    HttpURLConnection connection = null;
    try {
      // A plain HttpURLConnection rather than java.net.http: the HttpClient initialises TLS
      // when it is built (several hundred classes and ~0.4 s on a cold JVM) for a plain-HTTP call.
      connection = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
      int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
      connection.setConnectTimeout(millis);
      connection.setReadTimeout(millis);
      connection.setInstanceFollowRedirects(false);
      connection.setUseCaches(false);
      connection.setRequestProperty("Accept", "application/json");
      inFlight = connection;
      if (aborted) {
        throw new InterruptedException("stopped before reading /system_stats");
      }
      int status = connection.getResponseCode();
      if (status != 200) {
        return failed(
            GpuFaultKind.HTTP_STATUS,
            "ComfyUI at " + address + " answered /system_stats with " + status);
      }
      try (InputStream stream = connection.getInputStream()) {
        body = stream.readNBytes(MAX_BODY_BYTES + 1);
      }
    } catch (SocketTimeoutException e) {
      return failed(
          GpuFaultKind.TIMEOUT,
          "ComfyUI at " + address + " did not answer within " + timeout.toMillis() + " ms");
    } catch (ConnectException e) {
      String reason = e.getMessage() == null ? "connection refused" : e.getMessage();
      return failed(
          GpuFaultKind.UNREACHABLE, "ComfyUI at " + address + " is unreachable: " + reason);
    } catch (IOException | RuntimeException e) {
      // HttpURLConnection disconnected by abort() from another thread may fail with any of
      // these, a NullPointerException from inside the JDK included.
      if (aborted) {
        throw new InterruptedException("stopped while reading /system_stats");
      }
      return failed(
          GpuFaultKind.UNREACHABLE,
          "ComfyUI at " + address + " failed to answer /system_stats: " + describe(e));
    } finally {
      inFlight = null;
      if (connection != null) {
        connection.disconnect();
      }
    }
    if (body.length > MAX_BODY_BYTES) {
      return failed(
          GpuFaultKind.MALFORMED_OUTPUT,
          "ComfyUI at " + address + " sent more than 1 MiB for /system_stats");
    }
    List<GpuFault> faults = new ArrayList<>();
    List<GpuDeviceReading> devices = new ArrayList<>();
    try {
      parse(body, devices, faults);
    } catch (IOException | RuntimeException e) {
      return failed(
          GpuFaultKind.MALFORMED_OUTPUT,
          "ComfyUI at "
              + address
              + " sent /system_stats that is not the expected JSON: "
              + describe(e));
    }
    return new GpuSample(clock.instant(), COMFYUI, devices, faults);
  }

  private void parse(byte[] body, List<GpuDeviceReading> devices, List<GpuFault> faults)
      throws IOException {
    List<String> cpuDevices = new ArrayList<>();
    boolean sawDevices = false;
    try (JsonParser parser = JSON.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("the top level is not an object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (!"devices".equals(field)) {
          parser.skipChildren();
          continue;
        }
        if (value != JsonToken.START_ARRAY) {
          throw new IOException("devices is not an array");
        }
        sawDevices = true;
        while (parser.nextToken() == JsonToken.START_OBJECT) {
          readDevice(parser, devices, cpuDevices, faults);
        }
      }
      if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
        throw new IOException("unexpected content after the top-level object");
      }
    }
    if (!sawDevices) {
      throw new IOException("no devices array");
    }
    if (devices.isEmpty()) {
      faults.add(
          new GpuFault(
              GpuFaultKind.NO_DEVICE,
              "ComfyUI at "
                  + address
                  + " reports no GPU"
                  + (cpuDevices.isEmpty()
                      ? ""
                      : " (it runs on " + String.join(", ", cpuDevices) + ")")));
    }
  }

  private void readDevice(
      JsonParser parser,
      List<GpuDeviceReading> devices,
      List<String> cpuDevices,
      List<GpuFault> faults)
      throws IOException {
    String name = "";
    String type = "";
    Integer index = null;
    long total = GpuDeviceReading.UNKNOWN;
    long free = GpuDeviceReading.UNKNOWN;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      switch (field) {
        case "name" -> name = text(parser, value);
        case "type" -> type = text(parser, value);
        case "index" -> index = index(parser, value);
        case "vram_total" -> total = bytes(parser, value);
        case "vram_free" -> free = bytes(parser, value);
        default -> parser.skipChildren();
      }
    }
    if ("cpu".equalsIgnoreCase(type)) {
      cpuDevices.add(name.isEmpty() ? "cpu" : name);
      return;
    }
    int deviceIndex = index != null ? index : devices.size();
    String gpu = "ComfyUI device " + (name.isEmpty() ? String.valueOf(deviceIndex) : name);
    long used = GpuDeviceReading.UNKNOWN;
    if (total == GpuDeviceReading.UNKNOWN || free == GpuDeviceReading.UNKNOWN) {
      faults.add(
          new GpuFault(
              GpuFaultKind.VALUE_UNAVAILABLE, gpu + ": vram_total or vram_free is missing"));
    } else if (free > total) {
      faults.add(
          new GpuFault(
              GpuFaultKind.MALFORMED_OUTPUT,
              gpu + ": vram_free " + free + " exceeds vram_total " + total + "; both ignored"));
      total = GpuDeviceReading.UNKNOWN;
    } else {
      used = total - free;
    }
    devices.add(new GpuDeviceReading(deviceIndex, name, GpuDeviceReading.UNKNOWN, used, total));
  }

  private static String text(JsonParser parser, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_STRING) {
      return parser.getText();
    }
    parser.skipChildren();
    return "";
  }

  private static Integer index(JsonParser parser, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_NUMBER_INT) {
      return parser.getIntValue();
    }
    parser.skipChildren();
    return null;
  }

  private static long bytes(JsonParser parser, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_NUMBER_INT) {
      long bytes = parser.getLongValue();
      return bytes >= 0 ? bytes : GpuDeviceReading.UNKNOWN;
    }
    if (value == JsonToken.VALUE_NUMBER_FLOAT) {
      double bytes = parser.getDoubleValue();
      return bytes >= 0 && bytes < Long.MAX_VALUE ? Math.round(bytes) : GpuDeviceReading.UNKNOWN;
    }
    parser.skipChildren();
    return GpuDeviceReading.UNKNOWN;
  }

  /** Closes the connection of a read in progress, which then ends at once. */
  @Override
  public void abort() {
    aborted = true;
    HttpURLConnection connection = inFlight;
    if (connection != null) {
      connection.disconnect();
    }
  }

  private GpuSample failed(GpuFaultKind kind, String message) {
    return new GpuSample(clock.instant(), COMFYUI, List.of(), List.of(new GpuFault(kind, message)));
  }

  private static URI toUri(String text) {
    try {
      return URI.create(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String describe(Exception e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}
