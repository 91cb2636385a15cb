package io.podgate.kubernetes.internal.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.podgate.internal.host.PodgateLabels;
import io.podgate.internal.pod.ConfigRef;
import io.podgate.internal.pod.PodSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code apart} as a Pod: the label, required pod anti-affinity, and pinning through the scheduler. */
class ApartPlacementTest {
  private final PodTranslator translator = new PodTranslator(new PodTranslator.Options(true, 600));

  static PodSpec apart(String name, String group) {
    return new PodSpec("@PodSandbox " + name, name, name, "", Map.of(PodgateLabels.APART, group), Map.of(), "", "",
        List.of(), List.of(), List.of(), List.of(), ConfigRef.NONE, List.of(Specs.container("c", "podgate:busybox")), false);
  }

  @Test
  void aPodOfAGroupGetsRequiredAntiAffinityOnTheHostnameSelectingItsGroup() {
    Pod pod = translator.translate(apart("web", "spread")).pod();

    assertThat(pod.getMetadata().getLabels()).containsEntry(PodgateLabels.APART, "spread");
    List<PodAffinityTerm> terms = pod.getSpec().getAffinity().getPodAntiAffinity()
        .getRequiredDuringSchedulingIgnoredDuringExecution();
    assertThat(terms).hasSize(1);
    assertThat(terms.get(0).getTopologyKey()).isEqualTo("kubernetes.io/hostname");
    assertThat(terms.get(0).getLabelSelector().getMatchLabels()).containsExactly(Map.entry(PodgateLabels.APART, "spread"));
    assertThat(terms.get(0).getNamespaces()).as("the pod's own (the session's) namespace").isNullOrEmpty();
    assertThat(pod.getSpec().getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution())
        .isNullOrEmpty();
    assertThat(pod.getSpec().getAffinity().getNodeAffinity()).isNull();
  }

  @Test
  void aPodOfNoGroupHasNoAffinityAndIsPinnedByNodeName() {
    Pod pod = translator.translate(Specs.pod("web", Specs.container("c", "podgate:busybox"))).pod();
    assertThat(pod.getSpec().getAffinity()).isNull();
    assertThat(pod.getMetadata().getLabels()).doesNotContainKey(PodgateLabels.APART);

    ApartPlacement.pin(pod, "a4");
    assertThat(pod.getSpec().getNodeName()).isEqualTo("a4");
    assertThat(pod.getSpec().getAffinity()).isNull();
    assertThat(pod.getSpec().getTolerations()).isNullOrEmpty();
    assertThat(ApartPlacement.hint(pod)).isEmpty();
  }

  @Test
  void aPinnedPodOfAGroupGoesThroughTheSchedulerToItsNodeOnly() {
    Pod pod = translator.translate(apart("web", "spread")).pod();
    ApartPlacement.pin(pod, "a4");

    assertThat(pod.getSpec().getNodeName()).as("nodeName would skip the scheduler's anti-affinity check").isNull();
    var terms = pod.getSpec().getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
        .getNodeSelectorTerms();
    assertThat(terms).hasSize(1);
    assertThat(terms.get(0).getMatchExpressions()).isNullOrEmpty();
    assertThat(terms.get(0).getMatchFields()).singleElement().satisfies(f -> {
      assertThat(f.getKey()).isEqualTo("metadata.name");
      assertThat(f.getOperator()).isEqualTo("In");
      assertThat(f.getValues()).containsExactly("a4");
    });
    assertThat(pod.getSpec().getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution())
        .as("kept").hasSize(1);
    assertThat(pod.getSpec().getTolerations()).singleElement().satisfies(t -> {
      assertThat(t.getKey() + "=" + t.getValue() + ":" + t.getEffect()).isEqualTo(LocalClusterNodes.TAINT);
      assertThat(t.getOperator()).isEqualTo("Equal");
    });
  }

  @Test
  void theHintOfAnUnscheduledPodNamesTheGroupAndWhatToDo() {
    Pod pod = translator.translate(apart("web", "spread")).pod();
    assertThat(ApartPlacement.hint(pod)).contains("apart = \"spread\"", "anti-affinity", "kubernetes.io/hostname",
        "io.podgate.apart=spread", "node =", "@PodgateNodes");
  }
}
