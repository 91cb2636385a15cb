package io.podgate.internal.measure.compare;

import java.util.Locale;

/** A fraction written as a percentage for messages: 0.0512 as "5.12%", infinities as "+inf" / "-inf". */
public final class Percent {
  private Percent() {}

  public static String of(double fraction) {
    if (Double.isInfinite(fraction)) {
      return fraction > 0 ? "+inf" : "-inf";
    }
    return String.format(Locale.ROOT, "%.2f%%", fraction * 100);
  }
}
