package io.podgate.internal.report;

import static io.podgate.internal.report.Html.esc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/** A small x/y chart drawn as inline SVG: axes, ticks, grid, title, axis labels and a legend. */
final class SvgPlot {
  static final int WIDTH = 560;
  static final int HEIGHT = 300;
  private static final int LEFT = 72;
  private static final int RIGHT = 30;
  private static final int TOP = 40;
  private static final int BOTTOM = 52;

  record Tick(double value, String label) {}

  private final String kind;
  private final String id;
  private final String title;
  private final String xLabel;
  private final String yLabel;
  private double x0 = 0;
  private double x1 = 1;
  private double y0 = 0;
  private double y1 = 1;
  private List<Tick> xTicks;
  private DoubleFunction<String> yFormat = Html::num;
  private final StringBuilder back = new StringBuilder();
  private final StringBuilder data = new StringBuilder();
  private final StringBuilder front = new StringBuilder();
  private final List<String[]> legend = new ArrayList<>();

  SvgPlot(String kind, String id, String title, String xLabel, String yLabel) {
    this.kind = kind;
    this.id = id;
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
  }

  SvgPlot x(double min, double max) {
    x0 = min;
    x1 = max > min ? max : min + 1;
    return this;
  }

  /** The y range, widened to nice tick values; {@code max <= min} gets a unit range. */
  SvgPlot y(double min, double max) {
    if (!(max > min)) {
      max = min + (min == 0 ? 1 : Math.abs(min));
    }
    double step = niceStep(min, max, 5);
    y0 = Math.floor(min / step) * step;
    y1 = Math.ceil(max / step) * step;
    return this;
  }

  SvgPlot xTicks(List<Tick> ticks) {
    this.xTicks = ticks;
    return this;
  }

  SvgPlot yFormat(DoubleFunction<String> format) {
    this.yFormat = format;
    return this;
  }

  SvgPlot legend(String name, String color) {
    legend.add(new String[] {name, color});
    return this;
  }

  double px(double x) {
    return LEFT + (x - x0) / (x1 - x0) * (WIDTH - LEFT - RIGHT);
  }

  double py(double y) {
    return HEIGHT - BOTTOM - (y - y0) / (y1 - y0) * (HEIGHT - TOP - BOTTOM);
  }

  /** Width in pixels of {@code dx} data units along x. */
  double pw(double dx) {
    return dx / (x1 - x0) * (WIDTH - LEFT - RIGHT);
  }

  /** A polyline through the points, with a dot and tooltip at each. */
  SvgPlot line(String name, double[] xs, double[] ys, String color, boolean dots) {
    if (xs.length == 0) {
      return this;
    }
    StringBuilder d = new StringBuilder();
    for (int i = 0; i < xs.length; i++) {
      d.append(i == 0 ? "M" : "L").append(f(px(xs[i]))).append(',').append(f(py(ys[i])));
    }
    data.append("<path class=\"series\" d=\"").append(d).append("\" fill=\"none\" stroke=\"").append(color)
        .append("\" stroke-width=\"2\"><title>").append(esc(name)).append("</title></path>\n");
    if (dots) {
      for (int i = 0; i < xs.length; i++) {
        dot(xs[i], ys[i], color, name + ": " + Html.num(ys[i]));
      }
    }
    return this;
  }

  SvgPlot dot(double x, double y, String color, String tooltip) {
    data.append("<circle cx=\"").append(f(px(x))).append("\" cy=\"").append(f(py(y)))
        .append("\" r=\"3.5\" fill=\"").append(color).append("\"><title>").append(esc(tooltip))
        .append("</title></circle>\n");
    return this;
  }

  /** A bar from the x axis (or 0, whichever is inside the range) up to {@code y}. */
  SvgPlot bar(double xLeft, double width, double y, String color, String tooltip) {
    double base = py(Math.max(y0, Math.min(y1, 0)));
    double top = py(y);
    data.append("<rect class=\"bar\" x=\"").append(f(px(xLeft))).append("\" y=\"").append(f(Math.min(base, top)))
        .append("\" width=\"").append(f(pw(width))).append("\" height=\"").append(f(Math.abs(base - top)))
        .append("\" fill=\"").append(color).append("\"><title>").append(esc(tooltip)).append("</title></rect>\n");
    return this;
  }

  /** A shaded band across the whole x range between two y values (clipped to the plot). */
  SvgPlot band(double ya, double yb, String color, String tooltip) {
    double lo = Math.max(y0, Math.min(ya, yb));
    double hi = Math.min(y1, Math.max(ya, yb));
    if (hi < lo) {
      return this;
    }
    back.append("<rect class=\"band\" x=\"").append(LEFT).append("\" y=\"").append(f(py(hi)))
        .append("\" width=\"").append(WIDTH - LEFT - RIGHT).append("\" height=\"").append(f(py(lo) - py(hi)))
        .append("\" fill=\"").append(color).append("\" fill-opacity=\"0.18\"><title>").append(esc(tooltip))
        .append("</title></rect>\n");
    return this;
  }

  /** A shaded column between two x values, e.g. an omitted warm-up interval. */
  SvgPlot column(double xa, double xb, String color, String tooltip) {
    back.append("<rect class=\"column\" x=\"").append(f(px(xa))).append("\" y=\"").append(TOP)
        .append("\" width=\"").append(f(pw(xb - xa))).append("\" height=\"").append(HEIGHT - TOP - BOTTOM)
        .append("\" fill=\"").append(color).append("\" fill-opacity=\"0.25\"><title>").append(esc(tooltip))
        .append("</title></rect>\n");
    return this;
  }

  /** A horizontal line across the plot with a label at its right end. */
  SvgPlot hline(double y, String color, boolean dashed, String label) {
    if (y < y0 || y > y1) {
      return this;
    }
    front.append("<line class=\"hline\" x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT)
        .append("\" y1=\"").append(f(py(y))).append("\" y2=\"").append(f(py(y))).append("\" stroke=\"")
        .append(color).append("\" stroke-width=\"1.5\"").append(dashed ? " stroke-dasharray=\"6 4\"" : "")
        .append("><title>").append(esc(label)).append("</title></line>\n");
    front.append("<text x=\"").append(WIDTH - RIGHT - 4).append("\" y=\"").append(f(py(y) - 4))
        .append("\" text-anchor=\"end\" class=\"note\" paint-order=\"stroke\" stroke=\"#fff\" stroke-width=\"3\" fill=\"").append(color).append("\">").append(esc(label))
        .append("</text>\n");
    return this;
  }

  String render() {
    StringBuilder s = new StringBuilder();
    String titleId = id + "-title";
    s.append("<svg class=\"chart\" data-chart=\"").append(esc(kind)).append("\" xmlns=\"http://www.w3.org/2000/svg\"")
        .append(" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT).append("\" width=\"").append(WIDTH)
        .append("\" height=\"").append(HEIGHT).append("\" role=\"img\" aria-labelledby=\"").append(titleId).append("\">\n");
    s.append("<title id=\"").append(titleId).append("\">").append(esc(title)).append("</title>\n");
    s.append("<defs><clipPath id=\"").append(id).append("-clip\"><rect x=\"").append(LEFT).append("\" y=\"")
        .append(TOP).append("\" width=\"").append(WIDTH - LEFT - RIGHT).append("\" height=\"")
        .append(HEIGHT - TOP - BOTTOM).append("\"/></clipPath></defs>\n");
    s.append("<rect class=\"frame\" x=\"0\" y=\"0\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
        .append("\" fill=\"#fff\"/>\n");
    s.append("<text class=\"chart-title\" x=\"").append(WIDTH / 2).append("\" y=\"20\" text-anchor=\"middle\">")
        .append(esc(title)).append("</text>\n");
    s.append("<g class=\"axes\">\n");
    for (double v : yTickValues()) {
      double y = py(v);
      s.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"").append(f(y))
          .append("\" y2=\"").append(f(y)).append("\" stroke=\"#e3e3e3\"/>")
          .append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(f(y + 4)).append("\" text-anchor=\"end\">")
          .append(esc(yFormat.apply(v))).append("</text>\n");
    }
    for (Tick t : xTickList()) {
      double x = px(t.value());
      s.append("<line x1=\"").append(f(x)).append("\" x2=\"").append(f(x)).append("\" y1=\"").append(HEIGHT - BOTTOM)
          .append("\" y2=\"").append(HEIGHT - BOTTOM + 5).append("\" stroke=\"#555\"/>")
          .append("<text x=\"").append(f(x)).append("\" y=\"").append(HEIGHT - BOTTOM + 18)
          .append("\" text-anchor=\"middle\">").append(esc(t.label())).append("</text>\n");
    }
    s.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(LEFT).append("\" y1=\"").append(TOP)
        .append("\" y2=\"").append(HEIGHT - BOTTOM).append("\" stroke=\"#555\"/>\n");
    s.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"")
        .append(HEIGHT - BOTTOM).append("\" y2=\"").append(HEIGHT - BOTTOM).append("\" stroke=\"#555\"/>\n");
    s.append("<text class=\"axis-label\" x=\"").append((LEFT + WIDTH - RIGHT) / 2).append("\" y=\"")
        .append(HEIGHT - 12).append("\" text-anchor=\"middle\">").append(esc(xLabel)).append("</text>\n");
    s.append("<text class=\"axis-label\" transform=\"translate(16,").append((TOP + HEIGHT - BOTTOM) / 2)
        .append(") rotate(-90)\" text-anchor=\"middle\">").append(esc(yLabel)).append("</text>\n");
    s.append("</g>\n");
    s.append("<g class=\"data\" clip-path=\"url(#").append(id).append("-clip)\">\n").append(back).append(data)
        .append("</g>\n");
    s.append("<g class=\"overlay\">\n").append(front);
    int lx = LEFT + 8;
    for (String[] l : legend) {
      s.append("<rect x=\"").append(lx).append("\" y=\"").append(TOP - 12).append("\" width=\"10\" height=\"10\" fill=\"")
          .append(l[1]).append("\"/><text x=\"").append(lx + 14).append("\" y=\"").append(TOP - 3)
          .append("\" class=\"note\">").append(esc(l[0])).append("</text>\n");
      lx += 24 + Math.min(200, 7 * l[0].length());
    }
    s.append("</g>\n</svg>\n");
    return s.toString();
  }

  private List<Tick> xTickList() {
    if (xTicks != null) {
      List<Tick> inside = new ArrayList<>();
      for (Tick t : xTicks) {
        if (t.value() >= x0 - 1e-9 && t.value() <= x1 + 1e-9) {
          inside.add(t);
        }
      }
      return inside;
    }
    List<Tick> ticks = new ArrayList<>();
    double step = niceStep(x0, x1, 8);
    for (double v = Math.ceil(x0 / step) * step; v <= x1 + step * 1e-6; v += step) {
      ticks.add(new Tick(v, Html.num(Math.round(v / step) * step)));
    }
    return ticks;
  }

  private List<Double> yTickValues() {
    List<Double> values = new ArrayList<>();
    double step = niceStep(y0, y1, 5);
    for (double v = y0; v <= y1 + step * 1e-6; v += step) {
      values.add(Math.round(v / step) * step);
    }
    return values;
  }

  static double niceStep(double min, double max, int ticks) {
    double raw = (max - min) / Math.max(1, ticks);
    if (!(raw > 0) || !Double.isFinite(raw)) {
      return 1;
    }
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double n = raw / mag;
    double nice = n <= 1 ? 1 : n <= 2 ? 2 : n <= 2.5 ? 2.5 : n <= 5 ? 5 : 10;
    return nice * mag;
  }

  private static String f(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
