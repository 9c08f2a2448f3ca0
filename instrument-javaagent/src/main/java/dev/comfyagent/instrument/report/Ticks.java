package dev.comfyagent.instrument.report;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Axis ticks: "nice" linear steps (1, 2, 5 times a power of ten), powers of ten for log axes, and
 * round UTC times with labels as short as the span allows.
 */
final class Ticks {

  /** The bin widths, then two and seven days: ticks may be sparser than bins. */
  private static final long[] TIME_STEPS =
      java.util.stream.LongStream.concat(
              java.util.Arrays.stream(TimeBins.NICE_WIDTHS),
              java.util.stream.LongStream.of(172_800_000, 604_800_000))
          .toArray();

  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter MINUTES =
      DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DAYS =
      DateTimeFormatter.ofPattern("MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

  private Ticks() {}

  /** The top of a linear axis from 0 that holds {@code max}: a nice number at or above it. */
  static double niceMax(double max) {
    if (!(max > 0) || Double.isInfinite(max)) {
      return 1;
    }
    double step = niceStep(max / 4);
    return Math.ceil(max / step - 1e-9) * step;
  }

  /** A step of 1, 2 or 5 times a power of ten, at or above {@code rough}. */
  static double niceStep(double rough) {
    double power = Math.pow(10, Math.floor(Math.log10(rough)));
    double fraction = rough / power;
    double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
    return nice * power;
  }

  /** Ticks of a linear axis from 0 to {@code top} (a {@link #niceMax}). */
  static List<Double> linear(double top) {
    double step = niceStep(top / 4);
    List<Double> ticks = new ArrayList<>();
    for (int i = 0; i * step <= top * (1 + 1e-9); i++) {
      ticks.add(i * step);
    }
    return ticks;
  }

  /** Powers of ten from {@code low} to {@code high} (both powers of ten). */
  static List<Double> logarithmic(double low, double high) {
    List<Double> ticks = new ArrayList<>();
    for (double t = low; t <= high * 1.0001; t *= 10) {
      ticks.add(t);
    }
    return ticks;
  }

  /** The power of ten at or below {@code value}. */
  static double floorPowerOfTen(double value) {
    return Math.pow(10, Math.floor(Math.log10(value)));
  }

  /** The power of ten at or above {@code value}. */
  static double ceilPowerOfTen(double value) {
    return Math.pow(10, Math.ceil(Math.log10(value) - 1e-9));
  }

  /** Round times between {@code from} and {@code to}, about {@code wanted} of them. */
  static List<Long> times(long from, long to, int wanted) {
    long span = Math.max(1, to - from);
    long step = TIME_STEPS[TIME_STEPS.length - 1];
    for (long s : TIME_STEPS) {
      if (span / s <= wanted) {
        step = s;
        break;
      }
    }
    List<Long> ticks = new ArrayList<>();
    for (long t = Math.floorDiv(from + step - 1, step) * step; t <= to; t += step) {
      ticks.add(t);
    }
    return ticks;
  }

  /** A time label as short as the axis's span allows. */
  static String timeLabel(long millis, long spanMillis, long stepMillis) {
    Instant instant = Instant.ofEpochMilli(millis);
    if (spanMillis > 86_400_000L) {
      return DAYS.format(instant);
    }
    return stepMillis < 60_000 ? SECONDS.format(instant) : MINUTES.format(instant);
  }

  /** A number with at most three significant digits and a k/M/G suffix: 0.25, 12.5, 3.4k. */
  static String number(double value) {
    double abs = Math.abs(value);
    if (abs >= 1e9) {
      return trim(value / 1e9) + "G";
    }
    if (abs >= 1e6) {
      return trim(value / 1e6) + "M";
    }
    if (abs >= 1e4) {
      return trim(value / 1e3) + "k";
    }
    return trim(value);
  }

  private static String trim(double value) {
    double abs = Math.abs(value);
    String text;
    if (abs == 0) {
      return "0";
    } else if (abs >= 100) {
      text = String.format(Locale.ROOT, "%.0f", value);
    } else if (abs >= 10) {
      text = String.format(Locale.ROOT, "%.1f", value);
    } else if (abs >= 1) {
      text = String.format(Locale.ROOT, "%.2f", value);
    } else {
      text = String.format(Locale.ROOT, "%.3g", value);
    }
    if (text.contains(".") && !text.contains("e")) {
      text = text.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return text;
  }
}
