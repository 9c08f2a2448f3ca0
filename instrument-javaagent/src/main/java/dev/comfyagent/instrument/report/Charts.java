package dev.comfyagent.instrument.report;

import java.util.List;
import java.util.Locale;

/**
 * The page's plots as inline SVG, drawn here (no library, no script): time series of lines and bars
 * over the page's {@link TimeBins}, the HdrHistogram percentile plot, the breaker state band and
 * the bars of a chain's waterfall. Colours are CSS classes, so one drawing serves the light and
 * dark schemes and the printed page; every plot carries a text title for screen readers.
 *
 * <p>Coordinates are written with one decimal: a plot of 240 points costs a few kilobytes.
 */
final class Charts {

  /** The drawing's width in SVG units (it scales to the page's width). */
  static final int WIDTH = 640;

  /** The width of a plot that spans the page, so that its text keeps the size of the others. */
  static final int WIDE = 1240;

  private static final int HEIGHT = 170;
  private static final int LEFT = 54;
  private static final int RIGHT = 14;
  private static final int TOP = 10;
  private static final int BOTTOM = 24;

  private Charts() {}

  /** How a series is drawn. */
  enum Style {
    LINE,
    BARS,
    DASHED
  }

  /**
   * One series: values at times (epoch ms); {@code NaN} breaks a line.
   *
   * @param label its name, in the plot's title
   * @param css its colour class ({@code s1} to {@code s6}, {@code err})
   * @param times when
   * @param values what
   * @param style how
   * @param markMax whether its highest point gets a dot with the value
   */
  record Series(
      String label, String css, long[] times, double[] values, Style style, boolean markMax) {}

  /** A span of time shaded behind the series (a render). */
  record Shade(long fromMillis, long toMillis) {}

  /**
   * A time series plot over {@code bins}.
   *
   * @param title what the plot shows, for screen readers
   * @param unit the y axis's unit, shown at its top
   * @param logY whether the y axis is logarithmic (used only when the values span a factor of 10)
   * @param yMax a fixed top of the y axis (100 for percentages), or {@code NaN} for the data's
   */
  static String timeChart(
      String title,
      TimeBins bins,
      String unit,
      boolean logY,
      double yMax,
      List<Series> series,
      List<Shade> shades) {
    long from = bins.startMillis();
    long to = bins.endMillis();
    double min = Double.POSITIVE_INFINITY;
    double max = 0;
    for (Series s : series) {
      for (double v : s.values()) {
        if (!Double.isNaN(v)) {
          max = Math.max(max, v);
          if (v > 0) {
            min = Math.min(min, v);
          }
        }
      }
    }
    Axis y = Double.isNaN(yMax) ? Axis.of(min, max, logY) : Axis.linear(yMax);
    Svg svg = Svg.open(WIDTH, HEIGHT, title);
    double plotWidth = WIDTH - LEFT - RIGHT;
    double plotHeight = HEIGHT - TOP - BOTTOM;
    for (Shade shade : shades) {
      double x1 = LEFT + (shade.fromMillis() - from) * plotWidth / (to - from);
      double x2 = LEFT + (shade.toMillis() - from) * plotWidth / (to - from);
      x1 = clamp(x1, LEFT, LEFT + plotWidth);
      x2 = clamp(x2, LEFT, LEFT + plotWidth);
      svg.rect("shade", x1, TOP, Math.max(0.6, x2 - x1), plotHeight, null);
    }
    yAxis(svg, y, unit, plotWidth, plotHeight);
    timeAxis(svg, from, to, plotWidth, plotHeight);
    double barWidth = Math.max(0.8, plotWidth / bins.count() * 0.8);
    for (Series s : series) {
      if (s.style() == Style.BARS) {
        StringBuilder d = new StringBuilder();
        for (int i = 0; i < s.times().length; i++) {
          double v = s.values()[i];
          if (Double.isNaN(v) || v <= 0) {
            continue;
          }
          double x = LEFT + (s.times()[i] - from) * plotWidth / (to - from) - barWidth / 2;
          double top = TOP + y.position(v, plotHeight);
          double bottom = TOP + plotHeight;
          d.append('M').append(Svg.num(x)).append(' ').append(Svg.num(bottom));
          d.append('V').append(Svg.num(top)).append('h').append(Svg.num(barWidth));
          d.append('V').append(Svg.num(bottom)).append('Z');
        }
        svg.path("bar " + s.css(), d.toString(), s.label());
      } else {
        StringBuilder d = new StringBuilder();
        boolean pen = false;
        for (int i = 0; i < s.times().length; i++) {
          double v = s.values()[i];
          if (Double.isNaN(v)) {
            pen = false;
            continue;
          }
          double x = LEFT + (s.times()[i] - from) * plotWidth / (to - from);
          double yy = TOP + y.position(v, plotHeight);
          d.append(pen ? 'L' : 'M').append(Svg.num(x)).append(' ').append(Svg.num(yy));
          boolean isolated = !pen && (i + 1 == s.times().length || Double.isNaN(s.values()[i + 1]));
          if (isolated) {
            d.append("h0.1"); // a point with no neighbour: a dot (round line caps)
          }
          pen = true;
        }
        svg.path(
            "line " + s.css() + (s.style() == Style.DASHED ? " dashed" : ""),
            d.toString(),
            s.label());
      }
      if (s.markMax()) {
        markMax(svg, s, y, from, to, plotWidth, plotHeight, unit);
      }
    }
    return svg.close();
  }

  /**
   * HdrHistogram's percentile plot: latency (ms, linear) against {@code 1/(1-percentile)} on a log
   * axis labelled 0%, 90%, 99%, 99.9%, ...
   */
  static String percentilePlot(String title, PercentileCurve curve, String css) {
    return percentilePlot(title, List.of(curve), List.of(css), false);
  }

  /**
   * Several tools' percentile curves in one plot; with {@code logY}, latency on a log axis, so that
   * tools of milliseconds and of seconds can be compared.
   */
  static String percentilePlot(
      String title, List<PercentileCurve> curves, List<String> css, boolean logY) {
    Svg svg = Svg.open(WIDTH, HEIGHT, title);
    double plotWidth = WIDTH - LEFT - RIGHT;
    double plotHeight = HEIGHT - TOP - BOTTOM;
    double max = 0;
    double min = Double.POSITIVE_INFINITY;
    double maxX = 10;
    for (PercentileCurve curve : curves) {
      maxX = Math.max(maxX, curve.maxX());
      for (PercentileCurve.Point p : curve.points()) {
        max = Math.max(max, p.millis());
        if (p.millis() > 0) {
          min = Math.min(min, p.millis());
        }
      }
    }
    Axis y = logY ? Axis.of(min, max, true) : Axis.linear(Ticks.niceMax(max));
    yAxis(svg, y, "ms", plotWidth, plotHeight);
    int decades = (int) Math.max(1, Math.ceil(Math.log10(maxX) - 1e-9));
    for (int k = 0; k <= decades; k++) {
      double x = LEFT + k * plotWidth / decades;
      svg.line("grid", x, TOP, x, TOP + plotHeight);
      String label = k == 0 ? "0%" : percentLabel(k);
      svg.text("tick", x, HEIGHT - 8, anchor(x, LEFT, plotWidth), label);
    }
    for (int c = 0; c < curves.size(); c++) {
      StringBuilder d = new StringBuilder();
      for (PercentileCurve.Point p : curves.get(c).points()) {
        double x = LEFT + Math.log10(p.x()) * plotWidth / decades;
        double yy = TOP + y.position(p.millis(), plotHeight);
        d.append(d.length() == 0 ? 'M' : 'L').append(Svg.num(x)).append(' ').append(Svg.num(yy));
      }
      svg.path("line " + css.get(c), d.toString(), "latency by percentile");
    }
    return svg.close();
  }

  /** One band per breaker, coloured by state over time, labelled at its left. */
  static String breakerBands(String title, List<Run.BreakerTimeline> breakers, TimeBins bins) {
    int row = 22;
    int height = TOP + breakers.size() * row + BOTTOM;
    int left = 250;
    Svg svg = Svg.open(WIDE, height, title);
    long from = bins.startMillis();
    long to = bins.endMillis();
    double plotWidth = WIDE - left - RIGHT;
    int y = TOP;
    for (Run.BreakerTimeline breaker : breakers) {
      svg.text(
          "label",
          left - 6,
          y + 14,
          "end",
          shorten(breaker.breaker() + " · " + breaker.instance(), 40));
      for (Run.Segment segment : breaker.segments()) {
        double x1 = left + (segment.fromMillis() - from) * plotWidth / (to - from);
        double x2 = left + (segment.toMillis() - from) * plotWidth / (to - from);
        svg.rect(
            "state " + stateClass(segment.state()),
            x1,
            y + 3,
            Math.max(0.6, x2 - x1),
            row - 6,
            segment.state()
                + " from "
                + Timestamps.format(segment.fromMillis())
                + " to "
                + Timestamps.format(segment.toMillis())
                + " UTC");
      }
      y += row;
    }
    timeAxisAt(svg, from, to, left, plotWidth, y);
    return svg.close();
  }

  /** A call's bar within its chain's span: where it started and how long it took. */
  static String waterfallBar(long chainStart, long chainEnd, long start, long end, boolean ok) {
    int width = 260;
    int height = 14;
    double span = Math.max(1, chainEnd - chainStart);
    double x = (start - chainStart) * width / span;
    double w = Math.max(1.5, (end - start) * width / span);
    return "<svg class=\"bar-cell\" viewBox=\"0 0 "
        + width
        + " "
        + height
        + "\" aria-hidden=\"true\"><rect class=\"track\" x=\"0\" y=\"5\" width=\""
        + width
        + "\" height=\"4\"/><rect class=\""
        + (ok ? "call-ok" : "call-err")
        + "\" x=\""
        + Svg.num(Math.min(x, width - 1.5))
        + "\" y=\"1\" width=\""
        + Svg.num(Math.min(w, width - Math.min(x, width - 1.5)))
        + "\" height=\"12\" rx=\"2\"/></svg>";
  }

  /** The CSS class of a breaker state. */
  static String stateClass(String state) {
    if (state == null) {
      return "st-unknown";
    }
    return switch (state) {
      case "CLOSED" -> "st-closed";
      case "OPEN", "FORCED_OPEN" -> "st-open";
      case "HALF_OPEN" -> "st-half";
      default -> "st-other";
    };
  }

  private static String percentLabel(int decades) {
    StringBuilder label = new StringBuilder("99");
    if (decades == 1) {
      return "90%";
    }
    if (decades > 2) {
      label.append('.');
      label.append("9".repeat(decades - 2));
    }
    return label.append('%').toString();
  }

  private static void markMax(
      Svg svg,
      Series s,
      Axis y,
      long from,
      long to,
      double plotWidth,
      double plotHeight,
      String unit) {
    int at = -1;
    for (int i = 0; i < s.values().length; i++) {
      if (!Double.isNaN(s.values()[i]) && (at < 0 || s.values()[i] > s.values()[at])) {
        at = i;
      }
    }
    if (at < 0) {
      return;
    }
    double x = LEFT + (s.times()[at] - from) * plotWidth / (to - from);
    double yy = TOP + y.position(s.values()[at], plotHeight);
    String text = Ticks.number(s.values()[at]) + " " + unit;
    svg.circle(
        "dot " + s.css(),
        x,
        yy,
        2.6,
        s.label() + " max " + text + " at " + Timestamps.format(s.times()[at]) + " UTC");
    boolean right = x < LEFT + plotWidth * 0.75;
    svg.text(
        "maxlabel",
        right ? x + 5 : x - 5,
        Math.max(TOP + 9, yy - 4),
        right ? "start" : "end",
        text);
  }

  private static void yAxis(Svg svg, Axis y, String unit, double plotWidth, double plotHeight) {
    for (double tick : y.ticks()) {
      double yy = TOP + y.position(tick, plotHeight);
      svg.line("grid", LEFT, yy, LEFT + plotWidth, yy);
      svg.text("tick", LEFT - 5, yy + 3.5, "end", Ticks.number(tick));
    }
    svg.text("unit", LEFT + 4, TOP + 9, "start", unit);
    svg.line("axis", LEFT, TOP + plotHeight, LEFT + plotWidth, TOP + plotHeight);
  }

  private static void timeAxis(Svg svg, long from, long to, double plotWidth, double plotHeight) {
    timeAxisAt(svg, from, to, LEFT, plotWidth, TOP + plotHeight);
  }

  private static void timeAxisAt(
      Svg svg, long from, long to, double left, double plotWidth, double baseline) {
    List<Long> ticks = Ticks.times(from, to, 6);
    long step = ticks.size() > 1 ? ticks.get(1) - ticks.get(0) : to - from;
    for (long t : ticks) {
      double x = left + (t - from) * plotWidth / (to - from);
      svg.line("tickmark", x, baseline, x, baseline + 4);
      svg.text(
          "tick",
          x,
          baseline + 15,
          anchor(x, left, plotWidth),
          Ticks.timeLabel(t, to - from, step));
    }
  }

  /** Labels near the right edge end at their tick, so that they are not cut off. */
  private static String anchor(double x, double left, double plotWidth) {
    return x > left + plotWidth - 24 ? "end" : "middle";
  }

  private static double clamp(double v, double low, double high) {
    return Math.max(low, Math.min(high, v));
  }

  static String shorten(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }

  /** A y axis: linear from 0, or logarithmic between powers of ten. */
  record Axis(double low, double high, boolean log) {

    static Axis linear(double top) {
      return new Axis(0, Ticks.niceMax(top), false);
    }

    static Axis of(double minPositive, double max, boolean log) {
      if (log && max > 0 && minPositive < Double.POSITIVE_INFINITY) {
        double low = Ticks.floorPowerOfTen(minPositive);
        double high = Ticks.ceilPowerOfTen(max);
        if (high / low >= 100) {
          return new Axis(low, high, true);
        }
      }
      return linear(max);
    }

    /** Distance from the plot's top, in SVG units. */
    double position(double value, double plotHeight) {
      double fraction;
      if (log) {
        double v = Math.max(value, low);
        fraction = (Math.log10(v) - Math.log10(low)) / (Math.log10(high) - Math.log10(low));
      } else {
        fraction = value / high;
      }
      return plotHeight * (1 - Math.max(0, Math.min(1, fraction)));
    }

    List<Double> ticks() {
      return log ? Ticks.logarithmic(low, high) : Ticks.linear(high);
    }
  }

  /** Text that is safe inside an element or a double-quoted attribute. */
  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> {
          if (c < 0x20 && c != '\n' && c != '\t') {
            out.append(' ');
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  /** Formats for the page's figures. */
  static String millis(double ms) {
    return Double.isNaN(ms) ? "–" : String.format(Locale.ROOT, "%.3f", ms);
  }
}
