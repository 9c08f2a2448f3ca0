package dev.comfyagent.instrument.fleet;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.comfyagent.instrument.emit.HistogramLogFile;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * Reads HdrHistogram interval logs ({@code HistogramLogWriter} format, as {@link HistogramLogFile}
 * writes them, or any other tool's), one interval at a time, without holding a file in memory.
 *
 * <p>Each interval comes with the tool (the tag, decoded with {@link HistogramLogFile#toolOf}; an
 * untagged line is the tool {@code (untagged)}), its start and end in epoch milliseconds, and the
 * process that wrote it: the {@code service.instance.id} of the header's identity comment, or the
 * file's name when the log has none. Timestamps follow HdrHistogram's rules: plus the {@code
 * BaseTime} when one is given, else absolute when they look like epoch seconds, else relative to
 * the {@code StartTime}.
 *
 * <p>A line that cannot be read (a process killed in the middle of it, an edited file) is skipped
 * and counted; reading goes on.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * LatencyLogReader.read(file, interval -> merged.add(interval.histogram()));
 * }</pre>
 */
public final class LatencyLogReader {

  /** The tool of an interval line without a tag. */
  public static final String UNTAGGED = "(untagged)";

  /** Timestamps above this many seconds are taken as absolute (after 1971). */
  private static final double ABSOLUTE_AFTER_SECONDS = 365 * 24 * 3600.0;

  private static final JsonFactory JSON = JsonFactory.builder().build();

  /**
   * One interval histogram of one tool: {@code histogram} decoded, or {@code null} when read
   * without decoding ({@link #decode} turns {@code payload} into it later, on any thread).
   */
  public record Interval(
      String instanceId,
      String serviceName,
      String tool,
      long startMillis,
      long endMillis,
      Histogram histogram,
      String payload) {}

  /** Receives each interval; {@code histogram} is the caller's from then on. */
  @FunctionalInterface
  public interface IntervalConsumer {
    void accept(Interval interval);
  }

  /** What a read found besides the intervals. */
  public record Outcome(long intervals, long skippedLines, String firstProblem) {}

  private LatencyLogReader() {}

  /**
   * Reads every interval of {@code file}.
   *
   * @return how many intervals were read and how many lines were skipped
   * @throws IOException when the file cannot be read
   */
  public static Outcome read(Path file, IntervalConsumer consumer) throws IOException {
    return read(file, consumer, false);
  }

  /**
   * Reads every interval of {@code file}; with {@code timesOnly} the histograms are not decoded
   * (the interval's {@code histogram} is {@code null}): for a quick look at the time range, or to
   * {@link #decode} them later on other threads.
   *
   * @throws IOException when the file cannot be read
   */
  public static Outcome read(Path file, IntervalConsumer consumer, boolean timesOnly)
      throws IOException {
    Path fileName = file.getFileName();
    String fallbackInstance = fileName == null ? file.toString() : fileName.toString();
    String instance = fallbackInstance;
    String service = null;
    double startTimeSec = 0;
    Double baseTimeSec = null;
    long intervals = 0;
    long skipped = 0;
    String firstProblem = null;
    long lineNumber = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        lineNumber++;
        if (line.isBlank() || line.startsWith("\"StartTimestamp\"")) {
          continue;
        }
        try {
          if (line.startsWith("#[StartTime: ")) {
            startTimeSec = Double.parseDouble(firstWord(line.substring("#[StartTime: ".length())));
            // A new header: the next process's lines, until its identity comment.
            baseTimeSec = null;
            instance = fallbackInstance;
            service = null;
          } else if (line.startsWith("#[BaseTime: ")) {
            baseTimeSec = Double.parseDouble(firstWord(line.substring("#[BaseTime: ".length())));
          } else if (line.startsWith("#{")) {
            String[] identity = identity(line.substring(1));
            if (identity[0] != null) {
              instance = identity[0];
            }
            service = identity[1];
          } else if (!line.startsWith("#")) {
            Interval interval =
                parse(line, instance, service, startTimeSec, baseTimeSec, timesOnly);
            intervals++;
            consumer.accept(interval);
          }
        } catch (RuntimeException | DataFormatException | IOException e) {
          skipped++;
          if (firstProblem == null) {
            firstProblem = file + " line " + lineNumber + ": " + describe(e);
          }
        }
      }
    }
    return new Outcome(intervals, skipped, firstProblem);
  }

  private static Interval parse(
      String line,
      String instance,
      String service,
      double startTimeSec,
      Double baseTimeSec,
      boolean timesOnly)
      throws DataFormatException {
    String tool = UNTAGGED;
    String rest = line;
    if (line.startsWith("Tag=")) {
      int comma = line.indexOf(',');
      if (comma < 0) {
        throw new IllegalArgumentException("a tag without an interval");
      }
      tool = HistogramLogFile.toolOf(line.substring("Tag=".length(), comma));
      rest = line.substring(comma + 1);
    }
    String[] columns = rest.split(",");
    if (columns.length != 4) {
      throw new IllegalArgumentException(
          "expected start,length,max,histogram but found " + columns.length + " columns");
    }
    double start = Double.parseDouble(columns[0]);
    double length = Double.parseDouble(columns[1]);
    double absoluteStart;
    if (baseTimeSec != null) {
      absoluteStart = baseTimeSec + start;
    } else if (start > ABSOLUTE_AFTER_SECONDS) {
      absoluteStart = start;
    } else {
      absoluteStart = startTimeSec + start;
    }
    long startMillis = Math.round(absoluteStart * 1000);
    long endMillis = Math.round((absoluteStart + length) * 1000);
    String payload = columns[3].strip();
    Histogram histogram = timesOnly ? null : decode(payload);
    return new Interval(instance, service, tool, startMillis, endMillis, histogram, payload);
  }

  /**
   * The histogram of an interval line's last column (base64 of HdrHistogram's compressed form).
   *
   * @throws DataFormatException when it is not one
   * @throws IllegalArgumentException when it is not base64
   */
  public static Histogram decode(String payload) throws DataFormatException {
    byte[] compressed = Base64.getDecoder().decode(payload);
    return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(compressed), 0);
  }

  /** {@code [service.instance.id, service.name]} of an identity comment (either may be null). */
  private static String[] identity(String json) throws IOException {
    String[] identity = new String[2];
    try (JsonParser parser = JSON.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return identity;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
          parser.skipChildren();
        } else if ("service.instance.id".equals(name)) {
          identity[0] = parser.getValueAsString();
        } else if ("service.name".equals(name)) {
          identity[1] = parser.getValueAsString();
        }
      }
    }
    return identity;
  }

  private static String firstWord(String text) {
    int space = text.indexOf(' ');
    return space < 0 ? text : text.substring(0, space);
  }

  private static String describe(Exception e) {
    String message = e.getMessage();
    if (e instanceof NumberFormatException) {
      return "not a number (" + message + "); the line is skipped";
    }
    return (message == null ? e.getClass().getSimpleName() : message)
        + " (cut short, or not an interval line); the line is skipped";
  }
}
