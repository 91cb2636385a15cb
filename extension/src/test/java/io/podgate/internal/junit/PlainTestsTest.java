package io.podgate.internal.junit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How many sandboxes a class may get ahead: as many as its plain test methods, unbounded with templates. */
class PlainTestsTest {
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

  static class TwoAndOneRepeated extends TwoTests {
    @RepeatedTest(2)
    void again() {}
  }

  @Test
  void plainTestMethodsAreCountedTemplatesMakeTheCountUnknown() {
    assertThat(PreparedPods.plainTests(OneTest.class)).hasValue(1);
    assertThat(PreparedPods.plainTests(TwoTests.class)).hasValue(2);
    assertThat(PreparedPods.plainTests(InheritsOneAndAddsOne.class)).hasValue(2);
    assertThat(PreparedPods.plainTests(OneRepeated.class)).isEmpty();
    assertThat(PreparedPods.plainTests(OneParameterized.class)).isEmpty();
    assertThat(PreparedPods.plainTests(TwoAndOneRepeated.class)).isEmpty();
  }
}
