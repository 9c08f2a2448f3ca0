package dev.comfyagent.instrument.emit;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.comfyagent.instrument.record.ToolStats;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * The latency histograms of every metrics interval as a standard HdrHistogram interval log ({@code
 * latency.hlog}), written with HdrHistogram's own {@link HistogramLogWriter}: one line per tool and
 * interval, tagged with the tool's name, values in microseconds. Adding the intervals of any number
 * of processes gives exact percentiles over all of them, which averaging their percentiles never
 * does; {@code java -jar instrument-javaagent.jar merge} and {@code report} do that, and so does
 * any HdrHistogram log tool ({@code HistogramLogProcessor -tag <tool>}).
 *
 * <p>The file holds, from each time a process opens it:
 *
 * <pre>
 * #[Histogram log format version 1.3]
 * #[StartTime: 1764065730.001 (seconds since epoch), Tue Nov 25 10:15:30 UTC 2026]
 * #[BaseTime: 0.000 (seconds since epoch)]
 * #{"service.name":"agent-runtime","service.instance.id":"render-07-1-20261125T101530001Z","telemetry.distro.version":"0.1.0","unit":"us"}
 * "StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"
 * Tag=load_workflow,1764065730.001,60.000,40.100,HISTFAAAA...
 * </pre>
 *
 * Timestamps are absolute (seconds since the epoch, base time 0), so intervals of several runs in
 * one file stay apart; {@code Interval_Max} is in milliseconds. A tag is the tool's name with
 * {@code %}, commas, spaces, control and non-ASCII characters written as {@code %XX} (UTF-8 bytes),
 * since an HdrHistogram tag cannot hold commas, spaces or line breaks ({@link #tagOf}, {@link
 * #toolOf}). Tools without a call in an interval have no line for it. Rotated like the metrics file
 * ({@code latency.1.hlog} is the newest), each file starting with its own header.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * HistogramLogFile log = new HistogramLogFile(dir.resolve("latency.hlog"), 10 << 20, 5, identity);
 * stats.snapshot(true, log.scratch(stats.name()));
 * log.writeInterval(startMillis, endMillis);
 * }</pre>
 *
 * <p>Thread-safe (calls are serialized).
 */
public final class HistogramLogFile implements Closeable {

  /** The value a line's {@code Interval_Max} is divided by: microseconds shown as milliseconds. */
  static final double MAX_VALUE_UNIT_RATIO = 1000.0;

  private static final JsonFactory JSON = JsonFactory.builder().build();

  private final Path file;
  private final long rotateBytes;
  private final int keep;
  private final ProcessIdentity identity;
  private final Map<String, Histogram> scratch = new HashMap<>();
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 * 1024);
  private final PrintStream print = new PrintStream(bytes, false, StandardCharsets.UTF_8);
  private final HistogramLogWriter writer = new HistogramLogWriter(print);
  private FileChannel channel;
  private long position;

  /**
   * The file is opened (created, with its folder, or appended to) by the first {@link
   * #writeInterval}, on the metrics thread: nothing of the log's writing runs in {@code premain}.
   *
   * @param file the log
   * @param rotateBytes rotate before the file would grow past this; 0 for never
   * @param keep rotated files kept
   * @param identity the writing process, in each header
   */
  public HistogramLogFile(Path file, long rotateBytes, int keep, ProcessIdentity identity) {
    this.file = file;
    this.rotateBytes = rotateBytes;
    this.keep = keep;
    this.identity = identity;
  }

  /** The file written to. */
  public Path path() {
    return file;
  }

  /**
   * The histogram that receives one tool's latencies for the next {@link #writeInterval}: the same
   * object every interval (filled with {@link ToolStats#snapshot(boolean, Histogram)}).
   */
  public synchronized Histogram scratch(String tool) {
    return scratch.computeIfAbsent(
        tool,
        name -> new Histogram(1, ToolStats.HIGHEST_TRACKABLE_MICROS, ToolStats.SIGNIFICANT_DIGITS));
  }

  /**
   * Appends one line per tool whose {@link #scratch} histogram holds calls, for the interval from
   * {@code startMillis} to {@code endMillis} (epoch milliseconds).
   *
   * @throws IOException when the write fails
   */
  public synchronized void writeInterval(long startMillis, long endMillis) throws IOException {
    bytes.reset();
    for (Map.Entry<String, Histogram> entry : scratch.entrySet()) {
      Histogram histogram = entry.getValue();
      if (histogram.getTotalCount() == 0) {
        continue;
      }
      histogram.setTag(tagOf(entry.getKey()));
      histogram.setStartTimeStamp(startMillis);
      histogram.setEndTimeStamp(endMillis);
      writer.outputIntervalHistogram(
          startMillis / 1000.0, endMillis / 1000.0, histogram, MAX_VALUE_UNIT_RATIO);
      histogram.reset();
    }
    print.flush();
    if (bytes.size() == 0) {
      return;
    }
    byte[] lines = bytes.toByteArray();
    if (channel == null) {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      open();
    }
    if (rotateBytes > 0 && position > 0 && position + lines.length > rotateBytes) {
      rotate();
    }
    append(lines);
  }

  @Override
  public synchronized void close() throws IOException {
    if (channel != null) {
      channel.close();
    }
  }

  /**
   * The tag of a tool's lines: its name with {@code %}, {@code ,}, whitespace, control and
   * non-ASCII characters as {@code %XX} of their UTF-8 bytes; {@code _} for an empty name.
   */
  public static String tagOf(String tool) {
    if (tool.isEmpty()) {
      return "_";
    }
    StringBuilder tag = new StringBuilder(tool.length());
    for (byte b : tool.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c <= 0x20 || c >= 0x7f || c == ',' || c == '%') {
        tag.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        tag.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      } else {
        tag.append((char) c);
      }
    }
    return tag.toString();
  }

  /** The tool name of a tag written by {@link #tagOf}; other tags are returned as they are. */
  public static String toolOf(String tag) {
    if (tag.indexOf('%') < 0) {
      return tag;
    }
    ByteArrayOutputStream name = new ByteArrayOutputStream(tag.length());
    for (int i = 0; i < tag.length(); i++) {
      char c = tag.charAt(i);
      int high = i + 2 < tag.length() ? Character.digit(tag.charAt(i + 1), 16) : -1;
      int low = i + 2 < tag.length() ? Character.digit(tag.charAt(i + 2), 16) : -1;
      if (c == '%' && high >= 0 && low >= 0) {
        name.write(high << 4 | low);
        i += 2;
      } else {
        byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        name.write(utf8, 0, utf8.length);
      }
    }
    return name.toString(StandardCharsets.UTF_8);
  }

  private void open() throws IOException {
    channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    position = channel.size();
    if (position > 0 && !endsWithLineBreak()) {
      // A process killed in the middle of a line: end it, so that our header stays a line of its
      // own.
      append(new byte[] {'\n'});
    }
    append(header());
  }

  private boolean endsWithLineBreak() throws IOException {
    ByteBuffer last = ByteBuffer.allocate(1);
    channel.read(last, position - 1);
    return last.get(0) == '\n';
  }

  private byte[] header() throws IOException {
    bytes.reset();
    writer.outputLogFormatVersion();
    writer.outputStartTime(identity.startEpochMillis());
    writer.setBaseTime(0);
    writer.outputBaseTime(0);
    ByteArrayOutputStream json = new ByteArrayOutputStream();
    try (JsonGenerator generator = JSON.createGenerator(json, JsonEncoding.UTF8)) {
      generator.writeStartObject();
      generator.writeStringField(ProcessIdentity.SERVICE_NAME, identity.serviceName());
      generator.writeStringField(ProcessIdentity.INSTANCE_ID, identity.instanceId());
      generator.writeStringField(ProcessIdentity.AGENT_VERSION, identity.agentVersion());
      generator.writeNumberField("pid", identity.pid());
      generator.writeStringField("unit", "us");
      generator.writeEndObject();
    }
    // A line break in a service name would end the comment early: JSON escapes it.
    writer.outputComment(json.toString(StandardCharsets.UTF_8));
    writer.outputLegend();
    print.flush();
    return bytes.toByteArray();
  }

  private void append(byte[] lines) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(lines);
    while (buffer.hasRemaining()) {
      position += channel.write(buffer, position);
    }
  }

  private void rotate() throws IOException {
    channel.close();
    if (keep == 0) {
      Files.deleteIfExists(file);
    } else {
      Files.deleteIfExists(JsonLinesFile.rotated(file, keep));
      for (int n = keep - 1; n >= 1; n--) {
        Path older = JsonLinesFile.rotated(file, n);
        if (Files.exists(older)) {
          Files.move(
              older, JsonLinesFile.rotated(file, n + 1), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      Files.move(file, JsonLinesFile.rotated(file, 1), StandardCopyOption.REPLACE_EXISTING);
    }
    open();
  }
}
