package io.podgate.reliability;

import io.podgate.internal.host.PodgateLabels;
import static org.assertj.core.api.Assertions.assertThat;

import io.podgate.CriContainer;
import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import io.podgate.internal.cri.v1.PodSandboxStatus;
import io.podgate.internal.junit.PodLifecycleExtension;
import io.podgate.internal.pod.K8sNames;
import io.podgate.internal.pod.PodgateSession;
import io.podgate.testsupport.Faults;
import io.podgate.testsupport.FixtureOnly;
import io.podgate.testsupport.HostState;
import io.podgate.testsupport.RequiresContainerd;
import io.podgate.testsupport.SessionProbe;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * Test names with quotes, slashes, newlines, 300 characters, unicode, '=' and ',' and per-method
 * pods named after odd parameter names: every pod is created, and its labels and names (as the
 * runtime reports them) follow the Kubernetes rules.
 */
@RequiresContainerd
class HostileTestNamesTest {
  static final String TEN = "0123456789";
  static final String HUNDRED = TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN;
  static final String LONG = HUNDRED + HUNDRED + HUNDRED;
  static final List<PodSandboxStatus> SEEN = new CopyOnWriteArrayList<>();

  static void record(Pod pod) {
    assertThat(pod.container("c").exec("echo", "ok").stdout()).contains("ok");
    try (PodgateSession.Lease lease = PodgateSession.acquire()) {
      SEEN.add(lease.session().cri().podSandboxStatus(pod.id(), false).getStatus());
    }
  }

  @ExtendWith({FixtureOnly.class, SessionProbe.class})
  @Podgate
  @DisplayName("Hostile \"class\" / name,\nwith=signs ✓ " + LONG)
  static class HostileNames {
    @Test
    @DisplayName("quotes \"'` slashes /a/b\\c newline\n tab\t = , ünïcödé ☃ " + LONG)
    void quotesAndSlashes(@PodSandbox @CriContainer(name = "c", image = "podgate:busybox", command = {"sleep", "3600"})
        Pod pödNäme_With$dollar) {
      record(pödNäme_With$dollar);
    }

    @Test
    void ünïcödé_méthod$name(@PodSandbox @CriContainer(name = "c", image = "podgate:busybox", command = {"sleep", "3600"})
        Pod ππ) {
      record(ππ);
    }

    @Test
    @DisplayName("=,=,=")
    void equalsAndCommas(@PodSandbox @CriContainer(name = "c", image = "podgate:busybox", command = {"sleep", "3600"})
        Pod pod) {
      record(pod);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\nb", "k=v,x=y"})
    void parametrized(String value, @PodSandbox @CriContainer(name = "c", image = "podgate:busybox",
        command = {"sleep", "3600"}) Pod aVeryLongParameterNameThatGoesOnAndOnBeyondTheSixtyThreeCharactersAllowed) {
      record(aVeryLongParameterNameThatGoesOnAndOnBeyondTheSixtyThreeCharactersAllowed);
    }
  }

  @Test
  void hostileNamesGiveValidLabelsAndNames() {
    SEEN.clear();
    EngineExecutionResults r = Faults.run(HostileNames.class);
    assertThat(Faults.failures(r)).isEmpty();
    assertThat(r.testEvents().succeeded().count()).isEqualTo(5);
    assertThat(SEEN).hasSize(5);
    for (PodSandboxStatus pod : SEEN) {
      Map<String, String> labels = pod.getLabelsMap();
      assertThat(labels).containsKeys(PodgateLabels.TEST_CLASS, PodgateLabels.TEST);
      assertThat(labels.values()).as("labels %s", labels).allSatisfy(v -> assertThat(K8sNames.isLabelValue(v))
          .as("label value '%s'", v).isTrue());
      assertThat(K8sNames.isDnsLabel(pod.getMetadata().getName())).as("pod name '%s'", pod.getMetadata().getName())
          .isTrue();
    }
    assertThat(SEEN).extracting(p -> p.getLabelsMap().get(PodgateLabels.TEST))
        .anySatisfy(v -> assertThat(v).matches("quotesAndSlashes-quotes-slashes-a-b-c-newline-tab-n-c-[0-9a-f]{8}"))
        .anySatisfy(v -> assertThat(v).isEqualTo("n-c-d-_m-thod-name-Pod"))
        .anySatisfy(v -> assertThat(v).isEqualTo("parametrized-2-value-k-v-x-y"))
        .anySatisfy(v -> assertThat(v).isEqualTo("equalsAndCommas"))
        .doesNotHaveDuplicates();
    assertThat(SEEN).extracting(p -> p.getMetadata().getName()).contains("p-d-n-me-with-dollar", "pod")
        .anySatisfy(n -> assertThat(n).matches("pod-[0-9a-f]{8}"))
        .anySatisfy(n -> assertThat(n).startsWith("a-very-long-parameter-name").matches(".*-[0-9a-f]{8}"));
    HostState.assertClean();
  }
}
