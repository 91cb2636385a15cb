package io.podgate;

/** AssertJ entry point for churn results (to be folded into PodgateAssertions). */
public final class ChurnAssertions {
  private ChurnAssertions() {}

  public static ChurnResultAssert assertThat(ChurnResult actual) {
    return new ChurnResultAssert(actual);
  }
}
