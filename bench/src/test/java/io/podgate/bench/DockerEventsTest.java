package io.podgate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** Docker's own spans per container, from `docker events` lines. */
class DockerEventsTest {
  static final List<String> LINES = List.of(
      "1796093442000000000 create aaa",
      "1796093442050000000 attach aaa",
      "1796093442100000000 start aaa",
      "1796093442200000000 exec_start: sh -c true aaa",
      "1796093443000000000 kill aaa",
      "1796093443100000000 kill aaa",
      "1796093443140000000 die aaa",
      "1796093443180000000 destroy aaa",
      "1796093444000000000 create bbb",
      "1796093444030000000 start bbb",
      "not an event",
      "");

  @Test
  void spansFromTheFirstOfEachActionPerContainer() {
    DockerEvents e = DockerEvents.parse(LINES);
    assertThat(e.containers()).isEqualTo(2);
    assertThat(e.span("create", "start")).hasSize(2);
    assertThat(e.span("create", "start").get(0)).isCloseTo(100, Offset.offset(1e-9));
    assertThat(e.span("create", "start").get(1)).isCloseTo(30, Offset.offset(1e-9));
    assertThat(e.span("kill", "destroy")).as("bbb was never killed").singleElement()
        .satisfies(v -> assertThat(v).isCloseTo(180, Offset.offset(1e-9)));
    assertThat(e.span("exec_start", "kill")).singleElement().satisfies(v -> assertThat(v).isCloseTo(800, Offset.offset(1e-9)));
  }

  @Test
  void everySpanReportedNamesTwoActions() {
    assertThat(DockerEvents.SPANS).allSatisfy((name, actions) -> assertThat(actions).hasSize(2));
    assertThat(DockerEvents.parse(List.of()).span("create", "start")).isEmpty();
  }
}
