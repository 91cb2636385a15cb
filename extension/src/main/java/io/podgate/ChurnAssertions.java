package io.podgate;

/** Kept for source compatibility; use {@link PodgateAssertions#assertThat(ChurnResult)}. */
@Deprecated
public final class ChurnAssertions {
  private ChurnAssertions() {}

  public static ChurnResultAssert assertThat(ChurnResult actual) {
    return PodgateAssertions.assertThat(actual);
  }
}
