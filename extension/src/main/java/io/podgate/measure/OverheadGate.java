package io.podgate.measure;

import io.podgate.internal.measure.compare.Comparison;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Consumer;

/**
 * A gate on the paired overhead of a subject against a baseline. Not thread-safe; each {@link
 * #evaluate()} runs fresh rounds. Defaults: higher is better, 95 % confidence, rounds 6..12, no
 * time limit. See {@code docs/gates.md} for the statistics.
 */
public final class OverheadGate {
  private final Measurement baseline;
  private final Measurement subject;
  private MetricDirection direction = MetricDirection.HIGHER_IS_BETTER;
  private OptionalDouble threshold = OptionalDouble.empty();
  private int minRounds = 6;
  private int maxRounds = 12;
  private Optional<Duration> maxTime = Optional.empty();
  private double confidence = 0.95;
  private Consumer<ComparisonResult> onResult = r -> {};

  OverheadGate(Measurement baseline, Measurement subject) {
    this.baseline = Objects.requireNonNull(baseline, "baseline");
    this.subject = Objects.requireNonNull(subject, "subject");
  }

  public OverheadGate higherIsBetter() {
    this.direction = MetricDirection.HIGHER_IS_BETTER;
    return this;
  }

  public OverheadGate lowerIsBetter() {
    this.direction = MetricDirection.LOWER_IS_BETTER;
    return this;
  }

  public OverheadGate direction(MetricDirection direction) {
    this.direction = Objects.requireNonNull(direction, "direction");
    return this;
  }

  /** Largest acceptable median overhead, in percent of the baseline. */
  public OverheadGate atMostPercent(double percent) {
    if (!Double.isFinite(percent)) {
      throw new IllegalArgumentException("threshold must be a finite percentage, got " + percent);
    }
    this.threshold = OptionalDouble.of(percent / 100.0);
    return this;
  }

  /**
   * Runs at least {@code min} rounds before judging and at most {@code max}. A 95 % interval needs 6
   * rounds, so with fewer the gate keeps going until it has them.
   */
  public OverheadGate rounds(int min, int max) {
    this.minRounds = min;
    this.maxRounds = max;
    return this;
  }

  /** Stops with INCONCLUSIVE rather than start a round that would end after {@code budget}. */
  public OverheadGate maxTime(Duration budget) {
    this.maxTime = Optional.of(Objects.requireNonNull(budget, "budget"));
    return this;
  }

  /** Confidence of the interval for the median overhead, e.g. 0.95 (default) or 0.90. */
  public OverheadGate confidence(double confidence) {
    this.confidence = confidence;
    return this;
  }

  /** Called with every result before {@link #evaluate} returns (and before {@link #check} throws). */
  OverheadGate onResult(Consumer<ComparisonResult> listener) {
    this.onResult = Objects.requireNonNull(listener, "listener");
    return this;
  }

  /** Runs the rounds and returns the figures and verdict; never throws for a FAIL. */
  public ComparisonResult evaluate() {
    Comparison.Plan plan = new Comparison.Plan(minRounds, maxRounds, maxTime, threshold, confidence, direction);
    ComparisonResult result = new Comparison(baseline, subject, plan).run();
    onResult.accept(result);
    return result;
  }

  /**
   * Runs the rounds; returns the result on PASS (or UNGATED when no threshold was set) and throws
   * {@link GateFailedError} with every figure on FAIL or INCONCLUSIVE.
   */
  public ComparisonResult check() {
    ComparisonResult result = evaluate();
    if (result.verdict() == Verdict.FAIL || result.verdict() == Verdict.INCONCLUSIVE) {
      throw new GateFailedError("Gate did not pass. " + result.summary(), result);
    }
    return result;
  }
}
