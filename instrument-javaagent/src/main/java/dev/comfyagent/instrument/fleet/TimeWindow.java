package dev.comfyagent.instrument.fleet;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The span of time a command looks at, from {@code --since} and {@code --until}: each an instant
 * ({@code 2026-11-25T10:00:00Z}, {@code 2026-11-25T11:00:00+01:00}) or a duration before the end of
 * the data ({@code 90m}, {@code 6h}, {@code 2d}, {@code 30s}). A record counts where it ends: an
 * interval from 09:59 to 10:00 is before {@code --since 2026-11-25T10:00:00Z}.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * TimeWindow window = TimeWindow.parse("6h", null).resolve(dataEndMillis);
 * if (window.contains(interval.endMillis())) { ... }
 * }</pre>
 *
 * @param since the start (exclusive) in epoch ms, or {@link Long#MIN_VALUE}
 * @param until the end (inclusive) in epoch ms, or {@link Long#MAX_VALUE}
 * @param sinceText the option as given, or {@code null}
 * @param untilText the option as given, or {@code null}
 */
public record TimeWindow(long since, long until, String sinceText, String untilText) {

  private static final Pattern DURATION =
      Pattern.compile("(\\d+)(ms|s|m|h|d)", Pattern.CASE_INSENSITIVE);

  /** All of time. */
  public static TimeWindow all() {
    return new TimeWindow(Long.MIN_VALUE, Long.MAX_VALUE, null, null);
  }

  /**
   * Checks both options; durations are resolved later, against the data ({@link #resolve}).
   *
   * @throws IllegalArgumentException naming an option that is neither an instant nor a duration
   */
  public static TimeWindow parse(String since, String until) {
    check("--since", since);
    check("--until", until);
    return new TimeWindow(Long.MIN_VALUE, Long.MAX_VALUE, since, until);
  }

  /** Whether the window is all of time. */
  public boolean isAll() {
    return sinceText == null && untilText == null;
  }

  /**
   * The window with durations counted back from {@code dataEndMillis} (the last record's end).
   *
   * @throws IllegalArgumentException when the window ends before it starts
   */
  public TimeWindow resolve(long dataEndMillis) {
    long from = sinceText == null ? Long.MIN_VALUE : millis(sinceText, dataEndMillis);
    long to = untilText == null ? Long.MAX_VALUE : millis(untilText, dataEndMillis);
    if (from >= to) {
      throw new IllegalArgumentException(
          "--since " + sinceText + " is not before --until " + untilText);
    }
    return new TimeWindow(from, to, sinceText, untilText);
  }

  /** Whether a record that ends at {@code endMillis} is inside. */
  public boolean contains(long endMillis) {
    return endMillis > since && endMillis <= until;
  }

  private static void check(String option, String value) {
    if (value == null) {
      return;
    }
    try {
      millis(value, 0);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new IllegalArgumentException(
          option
              + " "
              + value
              + " is neither an instant (2026-11-25T10:00:00Z) nor a duration before the end of"
              + " the data (90m, 6h, 2d)");
    }
  }

  private static long millis(String value, long dataEndMillis) {
    Matcher duration = DURATION.matcher(value.strip());
    if (duration.matches()) {
      long amount = Long.parseLong(duration.group(1));
      long unit =
          switch (duration.group(2).toLowerCase(Locale.ROOT)) {
            case "ms" -> 1;
            case "s" -> 1000;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            default -> 86_400_000;
          };
      return dataEndMillis - Math.multiplyExact(amount, unit);
    }
    try {
      return Instant.parse(value.strip()).toEpochMilli();
    } catch (DateTimeException e) {
      try {
        return OffsetDateTime.parse(value.strip()).toInstant().toEpochMilli();
      } catch (DateTimeException again) {
        throw new IllegalArgumentException(value, again);
      }
    }
  }
}
