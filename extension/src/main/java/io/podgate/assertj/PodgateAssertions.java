package io.podgate.assertj;

import io.podgate.measure.ChurnResult;
import io.podgate.measure.ComparisonResult;
import io.podgate.measure.HttpLoadResult;
import io.podgate.measure.ThroughputResult;

/**
 * AssertJ entry point for podgate's results: {@code import static io.podgate.assertj.PodgateAssertions.assertThat;}.
 * One overload per result type; each returns that type's assertion class.
 */
public final class PodgateAssertions {
  private PodgateAssertions() {}

  public static ThroughputResultAssert assertThat(ThroughputResult actual) {
    return new ThroughputResultAssert(actual);
  }

  public static ComparisonResultAssert assertThat(ComparisonResult actual) {
    return new ComparisonResultAssert(actual);
  }

  public static ChurnResultAssert assertThat(ChurnResult actual) {
    return new ChurnResultAssert(actual);
  }

  public static HttpLoadResultAssert assertThat(HttpLoadResult actual) {
    return new HttpLoadResultAssert(actual);
  }
}
