package io.podgate.internal.pod;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class K8sNamesTest {
  @Test
  void labelValuesKeepWhatIsAllowedAndHashWhatIsCut() {
    assertThat(K8sNames.labelValue("plain.name_1-x")).isEqualTo("plain.name_1-x");
    assertThat(K8sNames.labelValue("\"a/b\"\n= , c")).isEqualTo("a-b-c");
    assertThat(K8sNames.labelValue("☃")).isEmpty();
    String long1 = K8sNames.labelValue("x".repeat(300) + "1");
    String long2 = K8sNames.labelValue("x".repeat(300) + "2");
    assertThat(long1).hasSizeLessThanOrEqualTo(63).isNotEqualTo(long2);
    assertThat(K8sNames.isLabelValue(long1)).isTrue();
    assertThat(K8sNames.isLabelValue("-a")).isFalse();
    assertThat(K8sNames.isLabelValue("a".repeat(64))).isFalse();
  }

  @Test
  void dnsLabelsAreLowerCaseWithHyphensAndNeverEmpty() {
    assertThat(K8sNames.dnsLabel("nginxPod", "pod")).isEqualTo("nginx-pod");
    assertThat(K8sNames.dnsLabel("web", "pod")).isEqualTo("web");
    assertThat(K8sNames.dnsLabel("ππ", "pod")).matches("pod-[0-9a-f]{8}");
    assertThat(K8sNames.dnsLabel("", "pod")).isEqualTo("pod");
    assertThat(K8sNames.isDnsLabel(K8sNames.dnsLabel("A_".repeat(80), "pod"))).isTrue();
  }
}
