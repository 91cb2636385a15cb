package io.podgate.internal.report;

import java.util.Locale;

/** HTML escaping and number formatting for the report. */
final class Html {
  private Html() {}

  /** Escapes text for element content and quoted attribute values alike; null becomes "". */
  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> {
          if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
            b.append("&#xFFFD;");
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }

  /** Up to 4 significant digits, plain notation. */
  static String num(double v) {
    if (!Double.isFinite(v)) {
      return Double.isNaN(v) ? "n/a" : (v > 0 ? "+inf" : "-inf");
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.format(Locale.ROOT, "%d", (long) v);
    }
    double a = Math.abs(v);
    int decimals = a >= 1000 ? 0 : a >= 100 ? 1 : a >= 10 ? 2 : a >= 1 ? 3 : a >= 0.01 ? 4 : 6;
    String s = String.format(Locale.ROOT, "%." + decimals + "f", v);
    if (s.contains(".")) {
      s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return s;
  }

  /** With an SI prefix: 1.23 G, 456 k, 7.8 m. */
  static String si(double v) {
    if (!Double.isFinite(v) || v == 0) {
      return num(v);
    }
    double a = Math.abs(v);
    String[] prefixes = {"n", "µ", "m", "", "k", "M", "G", "T"};
    int idx = (int) Math.floor(Math.log10(a) / 3) + 3;
    idx = Math.max(0, Math.min(prefixes.length - 1, idx));
    double scaled = v / Math.pow(1000, idx - 3);
    return num(Math.round(scaled * 1000) / 1000.0) + prefixes[idx];
  }

  static String percent(double fraction) {
    return Double.isFinite(fraction) ? num(fraction * 100) + " %" : num(fraction);
  }
}
