package io.podgate.internal.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podgate.CriContainer;
import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.internal.host.PodgateLabels;
import io.podgate.internal.pod.PodSpecException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code @PodSandbox(apart = ...)} checked per class, without a runtime. */
class ApartDeclarationsTest {

  static class TwoUnpinned {
    @PodSandbox(apart = "spread")
    static Pod first;

    @PodSandbox(apart = "spread")
    Pod second;
  }

  static class PinnedApart {
    @PodSandbox(apart = "spread", node = "a4")
    static Pod first;

    @PodSandbox(apart = "spread", node = "a5")
    Pod second;

    @PodSandbox(apart = "other")
    Pod unrelated;

    @PodSandbox
    Pod plain;
  }

  static class OneOnTheDefaultRuntime {
    @PodSandbox(apart = "spread", node = "a4")
    static Pod pinned;

    @PodSandbox(apart = "spread")
    Pod unpinned;
  }

  static class SameNode {
    @PodSandbox(apart = "spread", node = "a4")
    static Pod first;

    @PodSandbox(apart = "spread", node = "a4")
    static Pod second;
  }

  static class ParameterJoinsTheFields {
    @PodSandbox(apart = "spread", node = "a4")
    static Pod pinned;

    void one(@PodSandbox(apart = "spread", node = "a5") Pod fine) {}

    void two(@PodSandbox(apart = "spread", node = "a4") Pod clash) {}
  }

  static class ParametersOfDifferentMethods {
    void one(@PodSandbox(apart = "spread") Pod a) {}

    void two(@PodSandbox(apart = "spread") Pod b) {}
  }

  static class BadGroup {
    @PodSandbox(apart = "no spaces")
    static Pod pod;
  }

  static class SuiteGroup {
    @PodSandbox(apart = "spread", scope = PodSandbox.Scope.SUITE)
    static Pod pod;
  }

  static class Outer {
    @PodSandbox(apart = "spread")
    Pod outer;

    class Inner {
      @PodSandbox(apart = "spread")
      Pod inner;
    }
  }

  static class Labelled {
    @PodSandbox(labels = "io.podgate.apart=spread")
    @CriContainer(image = "podgate:busybox")
    static Pod pod;
  }

  static class Grouped {
    @PodSandbox(apart = "spread", labels = "app=web")
    @CriContainer(image = "podgate:busybox")
    static Pod pod;
  }

  @Test
  void withoutASchedulerTwoUnpinnedPodsOfAGroupAreRefusedNamingBoth() {
    assertThatThrownBy(() -> ApartDeclarations.check(TwoUnpinned.class, false)).isInstanceOf(PodSpecException.class)
        .hasMessageContaining("@PodSandbox on field TwoUnpinned.second").hasMessageContaining("@PodSandbox on field TwoUnpinned.first")
        .hasMessageContaining("apart = \"spread\" like @PodSandbox on field TwoUnpinned.")
        .hasMessageContaining("neither has node =").hasMessageContaining("@PodgateNodes")
        .hasMessageContaining("(podgate.backend = local-cluster or kubernetes)");
  }

  @Test
  void withoutASchedulerOnePodOfAGroupMayStayOnTheDefaultRuntime() {
    assertThatCode(() -> ApartDeclarations.check(OneOnTheDefaultRuntime.class, false)).doesNotThrowAnyException();
  }

  @Test
  void withASchedulerUnpinnedPodsOfAGroupAreLeftToIt() {
    assertThatCode(() -> ApartDeclarations.check(TwoUnpinned.class, true)).doesNotThrowAnyException();
  }

  @Test
  void podsOfAGroupPinnedToDistinctNodesAreFineOnEveryBackend() {
    assertThatCode(() -> ApartDeclarations.check(PinnedApart.class, false)).doesNotThrowAnyException();
    assertThatCode(() -> ApartDeclarations.check(PinnedApart.class, true)).doesNotThrowAnyException();
  }

  @Test
  void podsOfAGroupPinnedToOneNodeAreRefusedOnEveryBackend() {
    for (boolean scheduled : List.of(false, true)) {
      assertThatThrownBy(() -> ApartDeclarations.check(SameNode.class, scheduled))
          .hasMessageContaining("SameNode.first").hasMessageContaining("SameNode.second")
          .hasMessageContaining(": apart = \"spread\" like @PodSandbox on field SameNode.")
          .hasMessageContaining("but both have node = \"a4\"; pods kept apart need distinct nodes");
    }
  }

  @Test
  void aParameterIsCheckedWithTheFieldsButNotWithOtherMethodsParameters() {
    assertThatThrownBy(() -> ApartDeclarations.check(ParameterJoinsTheFields.class, true))
        .hasMessageContaining("parameter 'clash' of ParameterJoinsTheFields.two()")
        .hasMessageContaining("like @PodSandbox on field ParameterJoinsTheFields.pinned")
        .hasMessageContaining("node = \"a4\"");
    assertThatCode(() -> ApartDeclarations.check(ParametersOfDifferentMethods.class, false)).doesNotThrowAnyException();
  }

  @Test
  void aNestedClassesPodsAreCheckedWithItsEnclosingInstancesPods() {
    assertThatThrownBy(() -> ApartDeclarations.check(Outer.Inner.class, false))
        .hasMessageContaining("Inner.inner").hasMessageContaining("Outer.outer");
    assertThatCode(() -> ApartDeclarations.check(Outer.class, false)).doesNotThrowAnyException();
  }

  @Test
  void aGroupThatIsNoLabelValueOrOnASuitePodIsRefused() {
    assertThatThrownBy(() -> ApartDeclarations.check(BadGroup.class, true))
        .hasMessageContaining("@PodSandbox on field BadGroup.pod: apart = \"no spaces\" is not a group name")
        .hasMessageContaining(PodgateLabels.APART);
    assertThatThrownBy(() -> ApartDeclarations.check(SuiteGroup.class, true))
        .hasMessageContaining("@PodSandbox on field SuiteGroup.pod: apart = \"spread\" with scope = SUITE");
  }

  @Test
  void theGroupBecomesAPodgateLabelWhichALabelCannotSetItself() throws Exception {
    var grouped = Declarations.pods(List.of(Grouped.class.getDeclaredField("pod")), getClass().getClassLoader());
    assertThat(grouped.get(0).spec().labels()).containsEntry(PodgateLabels.APART, "spread").containsEntry("app", "web");
    assertThatThrownBy(() -> Declarations.pods(List.of(Labelled.class.getDeclaredField("pod")), getClass().getClassLoader()))
        .hasMessageContaining("@PodSandbox on field Labelled.pod: labels: io.podgate.apart is podgate's")
        .hasMessageContaining("apart = \"spread\"");
  }
}
