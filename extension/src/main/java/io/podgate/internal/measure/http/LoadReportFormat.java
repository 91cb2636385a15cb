package io.podgate.internal.measure.http;

import io.podgate.measure.HttpLoadResult;
import io.podgate.measure.HttpLoadResult.LatencyStats;
import io.podgate.measure.HttpLoadResult.RateStats;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Locale;

/** Text layout of HTTP load results, modelled on autocannon's console output. */
public final class LoadReportFormat {
  private LoadReportFormat() {}

  public static String consoleTable(HttpLoadResult r) {
    StringBuilder out = new StringBuilder();
    LatencyStats l = r.latency();
    out.append(
        table(
            List.of("Stat", "2.5%", "50%", "97.5%", "99%", "Avg", "Stdev", "Max"),
            List.of(
                List.of(
                    "Latency",
                    ms(l.p2_5()),
                    ms(l.p50()),
                    ms(l.p97_5()),
                    ms(l.p99()),
                    ms(l.avg()),
                    ms(l.stdev()),
                    ms(l.max())))));
    RateStats q = r.requestsPerSecond();
    RateStats b = r.bytesPerSecond();
    out.append(
        table(
            List.of("Stat", "1%", "2.5%", "50%", "97.5%", "Avg", "Stdev", "Min"),
            List.of(
                List.of(
                    "Req/Sec",
                    count(q.p1()),
                    count(q.p2_5()),
                    count(q.p50()),
                    count(q.p97_5()),
                    decimal(q.avg()),
                    decimal(q.stdev()),
                    count(q.min())),
                List.of(
                    "Bytes/Sec",
                    bytes(b.p1()),
                    bytes(b.p2_5()),
                    bytes(b.p50()),
                    bytes(b.p97_5()),
                    bytes(b.avg()),
                    bytes(b.stdev()),
                    bytes(b.min())))));
    out.append('\n')
        .append("Req/Bytes counts sampled once per second.\n")
        .append("# of samples: ")
        .append(r.requestsPerSecondSeries().size())
        .append("\n\n");
    out.append(
        String.format(
            Locale.ROOT,
            "%d requests in %.2fs, %s read%n",
            r.totalRequests(),
            r.duration().toNanos() / 1e9,
            bytes(r.totalBytes())));
    out.append(
        String.format(
            Locale.ROOT,
            "%d errors (%d timeouts), %d 2xx responses, %d non 2xx responses%n",
            r.errors(),
            r.timeouts(),
            r.responses2xx(),
            r.non2xx()));
    return out.toString();
  }

  /** Renders a box-drawn table; the first row is the header. */
  public static String table(List<String> header, List<List<String>> rows) {
    int[] widths = new int[header.size()];
    for (int c = 0; c < widths.length; c++) {
      widths[c] = header.get(c).length();
      for (List<String> row : rows) {
        widths[c] = Math.max(widths[c], row.get(c).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    rule(sb, widths, '┌', '┬', '┐');
    row(sb, widths, header);
    for (List<String> row : rows) {
      rule(sb, widths, '├', '┼', '┤');
      row(sb, widths, row);
    }
    rule(sb, widths, '└', '┴', '┘');
    return sb.toString();
  }

  private static void rule(StringBuilder sb, int[] widths, char left, char mid, char right) {
    sb.append(left);
    for (int c = 0; c < widths.length; c++) {
      sb.append("─".repeat(widths[c] + 2)).append(c == widths.length - 1 ? right : mid);
    }
    sb.append('\n');
  }

  private static void row(StringBuilder sb, int[] widths, List<String> cells) {
    sb.append('│');
    for (int c = 0; c < widths.length; c++) {
      String cell = cells.get(c);
      sb.append(' ').append(cell).append(" ".repeat(widths[c] - cell.length())).append(" │");
    }
    sb.append('\n');
  }

  static String ms(double millis) {
    return String.format(Locale.ROOT, "%.2f ms", millis);
  }

  static String count(double value) {
    return String.format(Locale.ROOT, "%d", Math.round(value));
  }

  static String decimal(double value) {
    return String.format(Locale.ROOT, "%.2f", value);
  }

  /** SI units with three significant digits, e.g. "2.29 MB", "171 kB". */
  public static String bytes(double value) {
    String[] units = {"B", "kB", "MB", "GB", "TB"};
    int unit = 0;
    double v = value;
    while (Math.abs(v) >= 999.5 && unit < units.length - 1) {
      v /= 1000;
      unit++;
    }
    if (unit == 0) {
      return Math.round(v) + " B";
    }
    String digits = new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    return digits + " " + units[unit];
  }
}
