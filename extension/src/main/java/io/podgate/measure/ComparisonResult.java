package io.podgate.measure;

import io.podgate.internal.measure.compare.Percent;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Paired rounds of a baseline and a subject, their per-round overheads and the median overhead with
 * its confidence interval. Overheads are fractions (0.12 = 12 %); positive means the subject is worse.
 *
 * @param baselineDescription what the baseline measured (every result names its baseline)
 * @param subjectDescription what the subject measured
 * @param direction how the metric improves
 * @param baselineValues the baseline's value in each round
 * @param subjectValues the subject's value in each round
 * @param overheads per-round paired overhead
 * @param medianOverhead median of {@code overheads}
 * @param ciLow lower end of the interval for the median (-Infinity when too few rounds)
 * @param ciHigh upper end (+Infinity when too few rounds)
 * @param ciCoverage exact coverage of that interval (at least {@code targetConfidence} when bounded)
 * @param targetConfidence confidence asked for, e.g. 0.95
 * @param threshold the gate's largest acceptable overhead, empty for a plain comparison
 * @param maxRounds the round budget
 * @param verdict outcome
 * @param reason why the comparison stopped, in words
 */
public record ComparisonResult(
    String baselineDescription,
    String subjectDescription,
    MetricDirection direction,
    List<Double> baselineValues,
    List<Double> subjectValues,
    List<Double> overheads,
    double medianOverhead,
    double ciLow,
    double ciHigh,
    double ciCoverage,
    double targetConfidence,
    OptionalDouble threshold,
    int maxRounds,
    Verdict verdict,
    String reason) {

  public ComparisonResult {
    Objects.requireNonNull(verdict, "verdict");
    baselineValues = List.copyOf(baselineValues);
    subjectValues = List.copyOf(subjectValues);
    overheads = List.copyOf(overheads);
  }

  public int rounds() {
    return overheads.size();
  }

  public boolean passed() {
    return verdict == Verdict.PASS;
  }

  public boolean ciBounded() {
    return Double.isFinite(ciLow) && Double.isFinite(ciHigh);
  }

  public double medianOverheadPercent() {
    return medianOverhead * 100;
  }

  public double ciLowPercent() {
    return ciLow * 100;
  }

  public double ciHighPercent() {
    return ciHigh * 100;
  }

  /** Every figure: verdict, median, interval, threshold, rounds, then each round's values. */
  public String summary() {
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "%s: overhead of [%s] against baseline [%s] (%s)%n",
        verdict, subjectDescription, baselineDescription, direction.phrase()));
    s.append(String.format(Locale.ROOT, "  median overhead %s, %s CI %s (target %s), threshold %s%n",
        Percent.of(medianOverhead), Percent.of(ciCoverage), interval(), Percent.of(targetConfidence),
        threshold.isPresent() ? "<= " + Percent.of(threshold.getAsDouble()) : "none"));
    s.append(String.format(Locale.ROOT, "  rounds used %d of max %d; %s%n", rounds(), maxRounds, reason));
    s.append(String.format(Locale.ROOT, "  %5s  %14s  %14s  %9s%n", "round", "baseline", "subject", "overhead"));
    for (int i = 0; i < rounds(); i++) {
      s.append(String.format(Locale.ROOT, "  %5d  %14.6g  %14.6g  %9s%n",
          i + 1, baselineValues.get(i), subjectValues.get(i), Percent.of(overheads.get(i))));
    }
    return s.toString().stripTrailing();
  }

  private String interval() {
    return "[" + Percent.of(ciLow) + ", " + Percent.of(ciHigh) + "]";
  }


  @Override
  public String toString() {
    return summary();
  }
}
