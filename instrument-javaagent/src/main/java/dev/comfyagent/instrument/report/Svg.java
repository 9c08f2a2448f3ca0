package dev.comfyagent.instrument.report;

import java.util.Locale;

/**
 * A small writer of SVG markup for {@link Charts}: shapes with CSS classes, text escaped, numbers
 * with one decimal.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * Svg svg = Svg.open(640, 170, "calls per second of load_workflow");
 * svg.line("grid", 54, 10, 626, 10);
 * String markup = svg.close();
 * }</pre>
 *
 * <p>Not thread-safe.
 */
final class Svg {

  private final StringBuilder out = new StringBuilder(4096);

  private Svg() {}

  /** Starts a drawing that scales to its container's width. */
  static Svg open(int width, int height, String title) {
    Svg svg = new Svg();
    svg.out
        .append("<svg class=\"chart\" viewBox=\"0 0 ")
        .append(width)
        .append(' ')
        .append(height)
        .append("\" role=\"img\" aria-label=\"")
        .append(Charts.escape(title))
        .append("\"><title>")
        .append(Charts.escape(title))
        .append("</title>");
    return svg;
  }

  void line(String css, double x1, double y1, double x2, double y2) {
    out.append("<line class=\"")
        .append(css)
        .append("\" x1=\"")
        .append(num(x1))
        .append("\" y1=\"")
        .append(num(y1))
        .append("\" x2=\"")
        .append(num(x2))
        .append("\" y2=\"")
        .append(num(y2))
        .append("\"/>");
  }

  void rect(String css, double x, double y, double width, double height, String title) {
    out.append("<rect class=\"")
        .append(css)
        .append("\" x=\"")
        .append(num(x))
        .append("\" y=\"")
        .append(num(y))
        .append("\" width=\"")
        .append(num(width))
        .append("\" height=\"")
        .append(num(height))
        .append('"');
    closeWithTitle("rect", title);
  }

  void circle(String css, double x, double y, double r, String title) {
    out.append("<circle class=\"")
        .append(css)
        .append("\" cx=\"")
        .append(num(x))
        .append("\" cy=\"")
        .append(num(y))
        .append("\" r=\"")
        .append(num(r))
        .append('"');
    closeWithTitle("circle", title);
  }

  void path(String css, String d, String title) {
    if (d.isEmpty()) {
      return;
    }
    out.append("<path class=\"").append(css).append("\" d=\"").append(d).append('"');
    closeWithTitle("path", title);
  }

  void text(String css, double x, double y, String anchor, String text) {
    out.append("<text class=\"")
        .append(css)
        .append("\" x=\"")
        .append(num(x))
        .append("\" y=\"")
        .append(num(y))
        .append("\" text-anchor=\"")
        .append(anchor)
        .append("\">")
        .append(Charts.escape(text))
        .append("</text>");
  }

  String close() {
    return out.append("</svg>").toString();
  }

  private void closeWithTitle(String element, String title) {
    if (title == null) {
      out.append("/>");
    } else {
      out.append("><title>")
          .append(Charts.escape(title))
          .append("</title></")
          .append(element)
          .append('>');
    }
  }

  /** One decimal, no trailing ".0", never an exponent. */
  static String num(double value) {
    long tenths = Math.round(value * 10);
    if (tenths % 10 == 0) {
      return Long.toString(tenths / 10);
    }
    return String.format(Locale.ROOT, "%.1f", tenths / 10.0);
  }
}
