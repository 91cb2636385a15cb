package io.podgate.internal.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TestIdsTest {

  @Test
  void safeIdsAreKept() {
    assertThat(TestIds.fileStem("io.podgate.FooTest.bar")).isEqualTo("io.podgate.FooTest.bar");
    assertThat(TestIds.fileStem("a-b_c.9")).isEqualTo("a-b_c.9");
  }

  @Test
  void junitUniqueIdLosesSeparatorsAndGainsAHash() {
    String id = "[engine:junit-jupiter]/[class:io.podgate.FooTest]/[method:bar(java.lang.String)]";
    String stem = TestIds.fileStem(id);
    assertThat(stem).matches("[A-Za-z0-9._-]+").doesNotContain("/", "\\", "..");
    assertThat(stem).startsWith("engine_junit-jupiter_class_io.podgate.FooTest_method_bar_java.lang.String");
    assertThat(stem).matches(".*-[0-9a-f]{12}");
  }

  @Test
  void pathTraversalStaysInsideTheReportDirectory() {
    Path dir = Path.of("/tmp/pg-reports/dir");
    for (String id : new String[] {"../../etc/passwd", "..", ".", "/abs/path", "a\\..\\..\\b", "x/../../y", "\0nul"}) {
      String stem = TestIds.fileStem(id);
      assertThat(stem).as(id).matches("[A-Za-z0-9._-]+").doesNotStartWith(".").doesNotContain("..");
      assertThat(dir.resolve(stem + ".json").normalize().getParent()).as(id).isEqualTo(dir);
    }
  }

  @Test
  void longIdsAreCutToTheLimitAndStayDistinct() {
    String base = "io.podgate.SomeVeryLongTestClassName.".repeat(10);
    String a = TestIds.fileStem(base + "first");
    String b = TestIds.fileStem(base + "second");
    assertThat(a).hasSizeLessThanOrEqualTo(TestIds.MAX_LENGTH);
    assertThat(b).hasSizeLessThanOrEqualTo(TestIds.MAX_LENGTH);
    assertThat(a).isNotEqualTo(b);
    assertThat(TestIds.fileStem("é".repeat(500))).hasSizeLessThanOrEqualTo(TestIds.MAX_LENGTH);
  }

  @Test
  void idsThatCleanToTheSameTextGetDifferentStems() {
    Set<String> stems = new HashSet<>();
    for (String id : new String[] {"a b", "a_b", "a/b", "a:b", "a  b", "a<b>"}) {
      stems.add(TestIds.fileStem(id));
    }
    assertThat(stems).hasSize(6);
  }

  @Test
  void reportFileNamesAndEmptyResultsAreNotUsedAsIs() {
    assertThat(TestIds.fileStem("summary")).isNotEqualTo("summary").startsWith("summary-");
    assertThat(TestIds.fileStem("index")).startsWith("index-");
    assertThat(TestIds.fileStem("///")).matches("test-[0-9a-f]{12}");
    assertThat(TestIds.fileStem("")).matches("test-[0-9a-f]{12}");
  }
}
