package io.podgate.assertj;

import io.podgate.internal.measure.compare.Percent;
import io.podgate.measure.ComparisonResult;
import io.podgate.measure.Verdict;
import java.util.Locale;
import org.assertj.core.api.AbstractAssert;

/** Assertions on a comparison; every failure message carries all its figures. */
public class ComparisonResultAssert extends AbstractAssert<ComparisonResultAssert, ComparisonResult> {

  public ComparisonResultAssert(ComparisonResult actual) {
    super(actual, ComparisonResultAssert.class);
  }

  /**
   * Passes only when the upper end of the confidence interval for the median overhead is at most
   * {@code percent}: the data must show the overhead is small, not merely fail to show it is large.
   */
  public ComparisonResultAssert hasOverheadAtMostPercent(double percent) {
    isNotNull();
    if (!(actual.ciHigh() * 100 <= percent)) {
      failWithMessage("Expected overhead at most %s%% (upper end of the %s%% interval) but the interval is [%s, %s].%n%s",
          fmt(percent), fmt(actual.ciCoverage() * 100), Percent.of(actual.ciLow()),
          Percent.of(actual.ciHigh()), actual.summary());
    }
    return this;
  }

  /** Passes only when the lower end of the interval is above {@code percent}: the subject is surely slower. */
  public ComparisonResultAssert hasOverheadAbovePercent(double percent) {
    isNotNull();
    if (!(actual.ciLow() * 100 > percent)) {
      failWithMessage("Expected overhead above %s%% (lower end of the interval) but the interval is [%s, %s].%n%s",
          fmt(percent), Percent.of(actual.ciLow()), Percent.of(actual.ciHigh()),
          actual.summary());
    }
    return this;
  }

  /** Looser than {@link #hasOverheadAtMostPercent}: only the point estimate is checked. */
  public ComparisonResultAssert hasMedianOverheadAtMostPercent(double percent) {
    isNotNull();
    if (!(actual.medianOverheadPercent() <= percent)) {
      failWithMessage("Expected median overhead at most %s%% but it is %s.%n%s", fmt(percent),
          Percent.of(actual.medianOverhead()), actual.summary());
    }
    return this;
  }

  public ComparisonResultAssert passed() {
    return hasVerdict(Verdict.PASS);
  }

  public ComparisonResultAssert failed() {
    return hasVerdict(Verdict.FAIL);
  }

  public ComparisonResultAssert isInconclusive() {
    return hasVerdict(Verdict.INCONCLUSIVE);
  }

  public ComparisonResultAssert hasVerdict(Verdict verdict) {
    isNotNull();
    if (actual.verdict() != verdict) {
      failWithMessage("Expected verdict %s but got %s.%n%s", verdict, actual.verdict(), actual.summary());
    }
    return this;
  }

  public ComparisonResultAssert usedAtMostRounds(int rounds) {
    isNotNull();
    if (actual.rounds() > rounds) {
      failWithMessage("Expected at most %d rounds but %d were used.%n%s", rounds, actual.rounds(), actual.summary());
    }
    return this;
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
