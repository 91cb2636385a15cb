package io.podgate.internal.junit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which classes get sandboxes started ahead: not one whose only test is one plain test method. */
class MoreTestsMayComeTest {
  static class OneTest {
    @Test
    void only() {}
  }

  static class TwoTests {
    @Test
    void one() {}

    @Test
    void two() {}
  }

  static class InheritsOneAndAddsOne extends OneTest {
    @Test
    void another() {}
  }

  static class OneRepeated {
    @RepeatedTest(3)
    void again() {}
  }

  static class OneParameterized {
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void each(int i) {}
  }

  @Test
  void aSinglePlainTestGetsNoneEverythingElseDoes() {
    assertThat(PreparedPods.moreTestsMayCome(OneTest.class)).isFalse();
    assertThat(PreparedPods.moreTestsMayCome(TwoTests.class)).isTrue();
    assertThat(PreparedPods.moreTestsMayCome(InheritsOneAndAddsOne.class)).isTrue();
    assertThat(PreparedPods.moreTestsMayCome(OneRepeated.class)).isTrue();
    assertThat(PreparedPods.moreTestsMayCome(OneParameterized.class)).isTrue();
  }
}
