package dev.coralmux.relay.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A small line chart (several series, log-scale y optional) as SVG text: enough for docs. */
final class SvgChart {
  record Series(String name, String color, List<double[]> points) {}

  private static final int W = 720;
  private static final int H = 400;
  private static final int L = 80;
  private static final int R = 180;
  private static final int T = 40;
  private static final int B = 60;

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final boolean logY;
  private final List<Series> series = new ArrayList<>();

  SvgChart(String title, String xLabel, String yLabel, boolean logY) {
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
    this.logY = logY;
  }

  SvgChart add(String name, String color, List<double[]> points) {
    if (!points.isEmpty()) series.add(new Series(name, color, points));
    return this;
  }

  String render() {
    double maxX = 1;
    double minY = Double.MAX_VALUE;
    double maxY = 1;
    for (Series s : series) {
      for (double[] p : s.points()) {
        maxX = Math.max(maxX, p[0]);
        maxY = Math.max(maxY, p[1]);
        minY = Math.min(minY, Math.max(1, p[1]));
      }
    }
    if (minY == Double.MAX_VALUE) minY = 1;
    double lo = logY ? Math.pow(10, Math.floor(Math.log10(minY))) : 0;
    double hi = logY ? Math.pow(10, Math.ceil(Math.log10(maxY))) : maxY * 1.1;
    if (logY && hi <= lo) hi = lo * 10;
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n", W, H));
    svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" font-size=\"15\" font-weight=\"bold\">%s</text>%n", L, esc(title)));
    int pw = W - L - R;
    int ph = H - T - B;
    svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>%n", L, T, pw, ph));
    for (int i = 0; i <= 5; i++) {
      double fx = i / 5.0;
      double xv = fx * maxX;
      int x = L + (int) (fx * pw);
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x, T + ph + 18, fmt(xv)));
      double yv = logY ? lo * Math.pow(hi / lo, fx) : lo + fx * (hi - lo);
      int y = T + ph - (int) (fx * ph);
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#eee\"/>%n", L, L + pw, y, y));
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n", L - 6, y + 4, fmt(yv)));
    }
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", L + pw / 2, H - 16, esc(xLabel)));
    svg.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%d\" transform=\"rotate(-90 16 %d)\" text-anchor=\"middle\">%s</text>%n",
        T + ph / 2, T + ph / 2, esc(yLabel)));
    int legendY = T + 10;
    for (Series s : series) {
      StringBuilder path = new StringBuilder();
      for (double[] p : s.points()) {
        double fy = logY ? Math.log(Math.max(lo, p[1]) / lo) / Math.log(hi / lo) : (p[1] - lo) / (hi - lo);
        int x = L + (int) (p[0] / maxX * pw);
        int y = T + ph - (int) (fy * ph);
        path.append(path.length() == 0 ? "M" : " L").append(x).append(' ').append(y);
        svg.append(String.format(Locale.ROOT, "<circle cx=\"%d\" cy=\"%d\" r=\"3\" fill=\"%s\"/>%n", x, y, s.color()));
      }
      svg.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n", path, s.color()));
      svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\" fill=\"%s\"/>%n", L + pw + 12, legendY, s.color()));
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", L + pw + 30, legendY + 5, esc(s.name())));
      legendY += 18;
    }
    svg.append("</svg>\n");
    return svg.toString();
  }

  private static String fmt(double v) {
    if (v >= 1_000_000) return String.format(Locale.ROOT, "%.1fM", v / 1e6);
    if (v >= 10_000) return String.format(Locale.ROOT, "%.0fk", v / 1e3);
    if (v >= 1_000) return String.format(Locale.ROOT, "%.1fk", v / 1e3);
    return String.format(Locale.ROOT, "%.0f", v);
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;");
  }
}
