package io.podgate.internal.measure.compare;

import io.podgate.measure.ComparisonResult;
import io.podgate.measure.Measurement;
import io.podgate.measure.MetricDirection;
import io.podgate.PodgateException;
import io.podgate.measure.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.LongSupplier;

/**
 * Runs a baseline and a subject in paired rounds and judges the subject's overhead.
 *
 * <p>Rounds alternate the order (baseline first in odd rounds, subject first in even ones), so slow
 * drift of the machine and any "second run is warmer" effect hit both sides alike. Each round gives
 * one paired overhead; the pairs are summarised by their median with a distribution-free interval
 * ({@link MedianInterval}): no normality assumption, robust to the odd outlier round a busy CI host
 * produces, and honest with few rounds (it stays unbounded until there are enough of them).
 *
 * <p>With a threshold: after at least {@code minRounds}, PASS once the whole interval is at or below
 * it, FAIL once the whole interval is above it; otherwise another round is run, until {@code
 * maxRounds} or until the next round would overrun {@code maxTime} (estimated from the mean round so
 * far): then INCONCLUSIVE. Without a threshold exactly {@code minRounds} are run (UNGATED).
 */
public final class Comparison {

  /** What to run and when to stop. */
  public record Plan(
      int minRounds,
      int maxRounds,
      Optional<Duration> maxTime,
      OptionalDouble threshold,
      double confidence,
      MetricDirection direction) {
    public Plan {
      if (minRounds < 1 || maxRounds < minRounds) {
        throw new IllegalArgumentException(
            "rounds must satisfy 1 <= min <= max, got min " + minRounds + ", max " + maxRounds);
      }
      if (!(confidence > 0 && confidence < 1)) {
        throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
      }
      if (threshold.isPresent() && maxRounds < MedianInterval.minimumRounds(confidence)) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "max rounds %d can never give a %.0f%% interval for the median; it needs at least %d rounds."
                + " Raise max rounds or lower the confidence.",
            maxRounds, confidence * 100, MedianInterval.minimumRounds(confidence)));
      }
      Objects.requireNonNull(maxTime, "maxTime");
      Objects.requireNonNull(direction, "direction");
    }
  }

  private final Measurement baseline;
  private final Measurement subject;
  private final Plan plan;
  private final LongSupplier nanoClock;

  public Comparison(Measurement baseline, Measurement subject, Plan plan) {
    this(baseline, subject, plan, System::nanoTime);
  }

  /** {@code nanoClock} is only read to enforce the time budget. */
  public Comparison(Measurement baseline, Measurement subject, Plan plan, LongSupplier nanoClock) {
    this.baseline = Objects.requireNonNull(baseline, "baseline");
    this.subject = Objects.requireNonNull(subject, "subject");
    this.plan = Objects.requireNonNull(plan, "plan");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
  }

  public ComparisonResult run() {
    List<Double> base = new ArrayList<>();
    List<Double> subj = new ArrayList<>();
    List<Double> over = new ArrayList<>();
    long started = nanoClock.getAsLong();
    while (true) {
      int round = base.size() + 1;
      double b;
      double s;
      if (round % 2 == 1) {
        b = measure(baseline, "baseline", round, base, subj);
        s = measure(subject, "subject", round, base, subj);
      } else {
        s = measure(subject, "subject", round, base, subj);
        b = measure(baseline, "baseline", round, base, subj);
      }
      if (!(b > 0) || !Double.isFinite(b)) {
        throw new PodgateException(String.format(Locale.ROOT,
            "Round %d: baseline [%s] measured %s; an overhead needs a positive finite baseline. Check the"
                + " baseline measurement works. Rounds so far: baseline %s, subject %s",
            round, baseline.description(), b, base, subj));
      }
      base.add(b);
      subj.add(s);
      over.add(plan.direction().overhead(b, s));

      int n = over.size();
      if (n < plan.minRounds()) {
        continue;
      }
      MedianInterval ci = MedianInterval.of(over, plan.confidence());
      if (plan.threshold().isEmpty()) {
        return result(base, subj, over, ci, Verdict.UNGATED, "plain comparison of " + n + " rounds");
      }
      double limit = plan.threshold().getAsDouble();
      if (ci.high() <= limit) {
        return result(base, subj, over, ci, Verdict.PASS, "whole interval at or below the threshold");
      }
      if (ci.low() > limit) {
        return result(base, subj, over, ci, Verdict.FAIL, "whole interval above the threshold");
      }
      String straddle = ci.rank() == 0
          ? "too few rounds for a bounded " + pct(plan.confidence()) + " interval (needs "
              + MedianInterval.minimumRounds(plan.confidence()) + ")"
          : "interval straddles the threshold";
      if (n >= plan.maxRounds()) {
        return result(base, subj, over, ci, Verdict.INCONCLUSIVE,
            straddle + " and the round budget (max " + plan.maxRounds() + ") is used up");
      }
      if (plan.maxTime().isPresent()) {
        long elapsed = nanoClock.getAsLong() - started;
        long perRound = elapsed / n;
        long budget = plan.maxTime().get().toNanos();
        if (elapsed + perRound > budget) {
          return result(base, subj, over, ci, Verdict.INCONCLUSIVE, String.format(Locale.ROOT,
              "%s and the time budget (%s) would be overrun by another round (%.1f s used, %.1f s per round)",
              straddle, plan.maxTime().get(), elapsed / 1e9, perRound / 1e9));
        }
      }
    }
  }

  private double measure(Measurement m, String role, int round, List<Double> base, List<Double> subj) {
    double v;
    try {
      v = m.measure();
    } catch (RuntimeException e) {
      throw new PodgateException(String.format(Locale.ROOT,
          "Round %d: %s measurement [%s] failed: %s. Rounds so far: baseline %s, subject %s",
          round, role, m.description(), e.getMessage(), base, subj), e);
    } catch (Exception e) {
      throw new PodgateException(String.format(Locale.ROOT,
          "Round %d: %s measurement [%s] failed: %s. Rounds so far: baseline %s, subject %s",
          round, role, m.description(), e, base, subj), e);
    }
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      throw new PodgateException(String.format(Locale.ROOT,
          "Round %d: %s measurement [%s] returned %s; it must return a finite number.",
          round, role, m.description(), v));
    }
    return v;
  }

  private ComparisonResult result(List<Double> base, List<Double> subj, List<Double> over, MedianInterval ci,
      Verdict verdict, String reason) {
    return new ComparisonResult(baseline.description(), subject.description(), plan.direction(), base, subj, over,
        ci.median(), ci.low(), ci.high(), ci.coverage(), plan.confidence(), plan.threshold(), plan.maxRounds(),
        verdict, reason);
  }

  private static String pct(double f) {
    return String.format(Locale.ROOT, "%.0f%%", f * 100);
  }
}
