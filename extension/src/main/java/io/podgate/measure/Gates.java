package io.podgate.measure;

/**
 * Entry point of the fluent gates, e.g.
 *
 * <pre>{@code
 * Gates.overhead(loopback, podPath).atMostPercent(15).rounds(3, 9).check();
 * }</pre>
 */
public final class Gates {
  private Gates() {}

  /** Overhead of {@code subject} against {@code baseline}; higher values are better unless told otherwise. */
  public static OverheadGate overhead(Measurement baseline, Measurement subject) {
    return new OverheadGate(baseline, subject);
  }
}
