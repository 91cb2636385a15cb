package io.podgate;

/**
 * AssertJ entry point for podgate's results: {@code import static io.podgate.PodgateAssertions.assertThat;}.
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
