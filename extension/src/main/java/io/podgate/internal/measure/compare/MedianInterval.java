package io.podgate.internal.measure.compare;

import java.util.Arrays;
import java.util.List;

/**
 * Median of a sample and a distribution-free confidence interval for the population median, taken
 * from the sample's order statistics: {@code [x(k), x(n+1-k)]} covers the median with probability
 * {@code 1 - 2 * P(B <= k-1)}, {@code B ~ Binomial(n, 1/2)}, whatever the distribution (only
 * independence and a continuous distribution are assumed). The largest k whose coverage still reaches
 * the target is chosen. When even {@code [min, max]} falls short (n <= 5 at 95 %), the interval is
 * unbounded: the data cannot support a claim at that confidence yet.
 *
 * @param median the sample median (mean of the two middle values for even n)
 * @param low lower end, or -Infinity
 * @param high upper end, or +Infinity
 * @param coverage exact coverage of {@code [low, high]} (1 when unbounded)
 * @param rank the k used (1-based), 0 when unbounded
 */
public record MedianInterval(double median, double low, double high, double coverage, int rank) {

  public static MedianInterval of(List<Double> sample, double confidence) {
    if (sample.isEmpty()) {
      throw new IllegalArgumentException("No values: a median needs at least one round");
    }
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
    }
    double[] x = sample.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = x.length;
    double median = n % 2 == 1 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
    int k = rank(n, confidence);
    if (k == 0) {
      return new MedianInterval(median, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 1.0, 0);
    }
    return new MedianInterval(median, x[k - 1], x[n - k], coverage(n, k), k);
  }

  /** Largest k (1-based, k <= (n+1)/2) with coverage(n, k) >= confidence; 0 if none. */
  public static int rank(int n, double confidence) {
    int best = 0;
    for (int k = 1; k <= (n + 1) / 2; k++) {
      if (coverage(n, k) >= confidence) {
        best = k;
      } else {
        break;
      }
    }
    return best;
  }

  /** Exact coverage of [x(k), x(n+1-k)] for the median: 1 - 2 * P(Binomial(n, 1/2) <= k-1). */
  public static double coverage(int n, int k) {
    double tail = 0;
    for (int i = 0; i <= k - 1; i++) {
      tail += binomialHalf(n, i);
    }
    return Math.max(0, 1 - 2 * tail);
  }

  /** Smallest number of rounds whose [min, max] interval reaches {@code confidence}. */
  public static int minimumRounds(double confidence) {
    for (int n = 1; n < 64; n++) {
      if (rank(n, confidence) > 0) {
        return n;
      }
    }
    throw new IllegalArgumentException("confidence " + confidence + " needs more than 63 rounds");
  }

  private static double binomialHalf(int n, int i) {
    // C(n, i) / 2^n computed in logs so it stays finite for any n we allow
    double logC = 0;
    for (int j = 1; j <= i; j++) {
      logC += Math.log(n - i + j) - Math.log(j);
    }
    return Math.exp(logC - n * Math.log(2));
  }

  @Override
  public String toString() {
    return "median " + median + " CI " + Arrays.toString(new double[] {low, high}) + " coverage " + coverage;
  }
}
