package io.podgate.kubernetes.internal.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.podgate.internal.pod.ConfigRef;
import io.podgate.internal.pod.ContainerSpec;
import io.podgate.internal.pod.ContainerSpec.WaitSpec;
import io.podgate.internal.pod.PodSpec;
import io.podgate.internal.pod.PodSpecException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodTranslatorTest {
  private final PodTranslator local = new PodTranslator(new PodTranslator.Options(true, 600));
  private final PodTranslator remote = new PodTranslator(new PodTranslator.Options(false, 600));

  @Test
  void containersKeepCommandArgsEnvWorkingDirPrivilegeAndMemory() {
    ContainerSpec c = new ContainerSpec("@CriContainer app", "app", "app", "podgate:busybox", List.of("sh", "-c"),
        List.of("echo hi"), Map.of("A", "1", "B", "2"), "/work", List.of(), true, 64L << 20, ConfigRef.NONE,
        WaitSpec.running());
    KubePlan plan = local.translate(Specs.pod("web", c));
    Pod pod = plan.pod();
    Container k = pod.getSpec().getContainers().get(0);

    assertThat(k.getName()).isEqualTo("app");
    assertThat(k.getCommand()).containsExactly("sh", "-c");
    assertThat(k.getArgs()).containsExactly("echo hi");
    assertThat(k.getEnv()).extracting(e -> e.getName() + "=" + e.getValue()).containsExactlyInAnyOrder("A=1", "B=2");
    assertThat(k.getWorkingDir()).isEqualTo("/work");
    assertThat(k.getSecurityContext().getPrivileged()).isTrue();
    assertThat(k.getResources().getLimits().get("memory").getNumericalAmount().longValue()).isEqualTo(64L << 20);
    assertThat(k.getReadinessProbe()).isNull();
    assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getSpec().getActiveDeadlineSeconds()).isEqualTo(600L);
    assertThat(pod.getSpec().getShareProcessNamespace()).isNull();
    assertThat(pod.getSpec().getHostname()).isEqualTo("web");
    assertThat(pod.getMetadata().getLabels()).containsEntry(PodTranslator.POD_LABEL, "web");
    assertThat(plan.privileged()).isTrue();
    assertThat(plan.containers()).extracting(KubePlan.ContainerPlan::image).containsExactly("podgate:busybox");
  }

  @Test
  void theSeedsCrictlJsonBecomesPodFields() {
    KubePlan plan = local.translate(Specs.podFromJson("seed-pod.json",
        List.of(new PodSpec.PortSpec(80, 0, "127.0.0.1", PodSpec.Protocol.TCP)), Specs.container("nginx", "podgate:nginx")));
    Pod pod = plan.pod();

    assertThat(plan.name()).isEqualTo("pod-sandbox");
    assertThat(plan.declaredNamespace()).isEqualTo("k8s.io");
    assertThat(pod.getMetadata().getAnnotations()).containsEntry("io.podgate.config-uid", "hdishd83djaidwnduwk28bcsb")
        .containsEntry(PodTranslator.NAMESPACE_ANNOTATION, "k8s.io");
    assertThat(pod.getMetadata().getLabels()).containsEntry("app", "seed");
    assertThat(pod.getSpec().getHostname()).isEqualTo("seedhost");
    assertThat(pod.getSpec().getDnsPolicy()).isEqualTo("None");
    assertThat(pod.getSpec().getDnsConfig().getNameservers()).containsExactly("8.8.8.8");
    assertThat(pod.getSpec().getDnsConfig().getSearches()).containsExactly("example.test");
    assertThat(pod.getSpec().getDnsConfig().getOptions()).singleElement()
        .satisfies(o -> assertThat(o.getName() + "=" + o.getValue()).isEqualTo("ndots=2"));
    assertThat(pod.getSpec().getHostNetwork()).isTrue();
    assertThat(pod.getSpec().getShareProcessNamespace()).isNull();
    assertThat(plan.hostNamespaces()).containsExactly("network");
    assertThat(plan.ports()).singleElement().satisfies(p -> {
      assertThat(p.containerPort()).isEqualTo(80);
      assertThat(p.hostIp()).isEqualTo("127.0.0.1");
    });
  }

  @Test
  void crictlFieldsWithoutAPodEquivalentAreRefusedByName() {
    assertThatThrownBy(() -> local.translate(Specs.podFromJson("with-log-directory.json", List.of(),
        Specs.container("c", "podgate:busybox"))))
        .isInstanceOf(PodSpecException.class)
        .hasMessageStartingWith("@PodSandbox pod: with-log-directory.json: ")
        .hasMessageContaining("log_directory, linux.cgroup_parent are not supported on the kubernetes backend");
  }

  @Test
  void aContainerJsonFieldWithoutEquivalentIsRefusedByName() {
    ContainerSpec c = new ContainerSpec("@CriContainer web", "", "web", "", List.of(), List.of(), Map.of(), "",
        List.of(), false, 0, new ConfigRef("container-tty.json", getClass().getClassLoader()), WaitSpec.running());
    assertThatThrownBy(() -> local.translate(Specs.pod("p", c)))
        .isInstanceOf(PodSpecException.class)
        .hasMessageStartingWith("@CriContainer web: container-tty.json: tty is not supported on the kubernetes backend");
  }

  @Test
  void annotationAttributesWithoutEquivalentAreRefusedByName() {
    PodSpec logDir = new PodSpec("@PodSandbox p", "p", "p", "", Map.of(), Map.of(), "", "/tmp/logs", List.of(), List.of(),
        List.of(), List.of(), ConfigRef.NONE, List.of(Specs.container("c", "podgate:busybox")), false);
    assertThatThrownBy(() -> local.translate(logDir)).isInstanceOf(PodSpecException.class)
        .hasMessageStartingWith("@PodSandbox p: logDirectory is not supported on the kubernetes backend");

    PodSpec udp = new PodSpec("@PodSandbox p", "p", "p", "", Map.of(), Map.of(), "", "", List.of(), List.of(), List.of(),
        List.of(new PodSpec.PortSpec(53, 0, "127.0.0.1", PodSpec.Protocol.UDP)), ConfigRef.NONE,
        List.of(Specs.container("c", "podgate:busybox")), false);
    assertThatThrownBy(() -> local.translate(udp)).isInstanceOf(PodSpecException.class)
        .hasMessageContaining("ports[0].protocol = UDP is not supported on the kubernetes backend");
  }

  @Test
  void mountsAreHostPathsOnlyWhereTheNodesAreThisMachine() {
    ContainerSpec c = new ContainerSpec("@CriContainer c", "c", "c", "podgate:busybox", List.of(), List.of(), Map.of(), "",
        List.of(new ContainerSpec.MountSpec("/tmp", "/data", true)), false, 0, ConfigRef.NONE, WaitSpec.running());
    Pod pod = local.translate(Specs.pod("m", c)).pod();
    assertThat(pod.getSpec().getVolumes()).singleElement().satisfies(v -> assertThat(v.getHostPath().getPath()).isEqualTo("/tmp"));
    assertThat(pod.getSpec().getContainers().get(0).getVolumeMounts()).singleElement().satisfies(m -> {
      assertThat(m.getMountPath()).isEqualTo("/data");
      assertThat(m.getReadOnly()).isTrue();
    });

    assertThatThrownBy(() -> remote.translate(Specs.pod("m", c))).isInstanceOf(PodSpecException.class)
        .hasMessageContaining("@CriContainer c: mounts[0] (hostPath /tmp) is not supported on the kubernetes backend")
        .hasMessageContaining(KubernetesPodBackend.HOST_PATH_PROPERTY);
  }

  @Test
  void waitsBecomeReadinessProbes() {
    Container http = probeOf(Specs.http("/", 80, 200));
    assertThat(http.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/");
    assertThat(http.getReadinessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(80);

    Container notFound = probeOf(Specs.http("/missing", 8080, 404));
    assertThat(notFound.getReadinessProbe().getHttpGet()).isNull();
    assertThat(notFound.getReadinessProbe().getTcpSocket().getPort().getIntVal()).isEqualTo(8080);

    Container tcp = probeOf(new WaitSpec(5201, "", 0, 200, "", List.of(), Duration.ofSeconds(5)));
    assertThat(tcp.getReadinessProbe().getTcpSocket().getPort().getIntVal()).isEqualTo(5201);

    Container exec = probeOf(new WaitSpec(0, "", 0, 200, "", List.of("test", "-e", "/ready"), Duration.ofSeconds(5)));
    assertThat(exec.getReadinessProbe().getExec().getCommand()).containsExactly("test", "-e", "/ready");

    Container log = probeOf(new WaitSpec(0, "", 0, 200, "started", List.of(), Duration.ofSeconds(5)));
    assertThat(log.getReadinessProbe()).isNull();
  }

  @Test
  void badLabelsAreNamedBeforeAnythingIsMade() {
    PodSpec bad = new PodSpec("@PodSandbox p", "p", "p", "", Map.of("team", "a b"), Map.of(), "", "", List.of(),
        List.of(), List.of(), List.of(), ConfigRef.NONE, List.of(Specs.container("c", "podgate:busybox")), false);
    assertThatThrownBy(() -> local.translate(bad)).isInstanceOf(PodSpecException.class)
        .hasMessageContaining("labels: value \"a b\" of \"team\" is not a Kubernetes label value");
  }

  @Test
  void objectNamesKeepTheDeclaredNameAndDiffer() {
    String a = KubernetesPodBackend.objectName("seed");
    String b = KubernetesPodBackend.objectName("seed");
    assertThat(a).startsWith("seed-").matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
    assertThat(a).isNotEqualTo(b);
  }

  private Container probeOf(WaitSpec w) {
    return local.translate(Specs.pod("p", Specs.container("c", "podgate:nginx", w))).pod().getSpec().getContainers().get(0);
  }
}
