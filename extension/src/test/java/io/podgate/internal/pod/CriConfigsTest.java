package io.podgate.internal.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podgate.internal.cri.v1.ContainerConfig;
import io.podgate.internal.cri.v1.NamespaceMode;
import io.podgate.internal.cri.v1.PodSandboxConfig;
import io.podgate.internal.cri.v1.Protocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** crictl JSON plus annotation values make the CRI configs; bad JSON is named. */
class CriConfigsTest {
  @TempDir Path dir;

  static final String SEED = "{\"metadata\":{\"name\":\"pod-sandbox\",\"uid\":\"hdishd83djaidwnduwk28bcsb\",\"namespace\":\"k8s.io\","
      + "\"attempt\":3},\"log_directory\":\"/tmp\",\"dns_config\":{\"servers\":[\"8.8.8.8\",\"8.8.4.4\"]},"
      + "\"port_mappings\":[{\"protocol\":0,\"container_port\":80,\"host_port\":80,\"host_ip\":\"192.168.31.15\"}]}";

  PodSpec pod(String name, ConfigRef config, List<PodSpec.PortSpec> ports) {
    return new PodSpec("@PodSandbox on field T.p", name, "p", "", Map.of("a", "1"), Map.of(), "", "", List.of(), List.of(),
        List.of(), ports, config, List.of());
  }

  @Test
  void seedJsonIsReadAndPortsOfTheAnnotationReplaceThoseOfTheSameContainerPort() throws Exception {
    Path json = Files.writeString(dir.resolve("pod.json"), SEED);
    PodSandboxConfig c = CriConfigs.sandbox(pod("", new ConfigRef(json.toString(), null),
        List.of(new PodSpec.PortSpec(80, 0, "127.0.0.1", PodSpec.Protocol.TCP)))).build();
    assertThat(c.getMetadata().getName()).isEqualTo("pod-sandbox");
    assertThat(c.getMetadata().getUid()).isEqualTo("hdishd83djaidwnduwk28bcsb");
    assertThat(c.getMetadata().getNamespace()).isEqualTo("k8s.io");
    assertThat(c.getMetadata().getAttempt()).isEqualTo(3);
    assertThat(c.getLogDirectory()).isEqualTo("/tmp");
    assertThat(c.getDnsConfig().getServersList()).containsExactly("8.8.8.8", "8.8.4.4");
    assertThat(c.getPortMappingsList()).singleElement().satisfies(m -> {
      assertThat(m.getHostIp()).isEqualTo("127.0.0.1");
      assertThat(m.getHostPort()).isZero();
      assertThat(m.getProtocol()).isEqualTo(Protocol.TCP);
    });
    assertThat(c.getLabelsMap()).containsEntry("a", "1");
  }

  @Test
  void withoutJsonTheFieldNameAndDefaultsApply() {
    PodSandboxConfig c = CriConfigs.sandbox(pod("", ConfigRef.NONE, List.of())).build();
    assertThat(c.getMetadata().getName()).isEqualTo("p");
    assertThat(c.getMetadata().getNamespace()).isEqualTo("default");
    assertThat(c.getMetadata().getUid()).isNotEmpty();
  }

  @Test
  void unknownFieldIsNamed() throws Exception {
    Path json = Files.writeString(dir.resolve("bad.json"), "{\"metadata\":{\"name\":\"x\"},\"port_mapings\":[]}");
    assertThatThrownBy(() -> CriConfigs.sandbox(pod("", new ConfigRef(json.toString(), null), List.of())))
        .isInstanceOf(PodSpecException.class)
        .hasMessageContaining("@PodSandbox on field T.p")
        .hasMessageContaining("port_mapings");
  }

  @Test
  void containerJsonIsOverlaidByAnnotationValues() throws Exception {
    Path json = Files.writeString(dir.resolve("c.json"), "{\"metadata\":{\"name\":\"from-json\"},\"image\":{\"image\":\"busybox\"},"
        + "\"command\":[\"top\"],\"envs\":[{\"key\":\"A\",\"value\":\"json\"},{\"key\":\"B\",\"value\":\"json\"}],\"log_path\":\"x.log\"}");
    ContainerSpec spec = new ContainerSpec("@CriContainer on field T.c", "", "c", "", List.of("sleep", "1"), List.of(),
        Map.of("B", "annotation"), "/work", List.of(new ContainerSpec.MountSpec("/tmp", "/host-tmp", true)), true, 1 << 26,
        new ConfigRef(json.toString(), null), new ContainerSpec.WaitSpec(0, "", 0, 200, "", List.of(), Duration.ofSeconds(1)));
    ContainerConfig c = CriConfigs.container(spec, NamespaceMode.CONTAINER).build();
    assertThat(c.getMetadata().getName()).isEqualTo("from-json");
    assertThat(c.getImage().getImage()).isEqualTo("busybox");
    assertThat(c.getCommandList()).containsExactly("sleep", "1");
    assertThat(c.getEnvsList()).extracting(kv -> kv.getKey() + "=" + kv.getValue()).containsExactly("A=json", "B=annotation");
    assertThat(c.getWorkingDir()).isEqualTo("/work");
    assertThat(c.getMountsList()).singleElement().satisfies(m -> assertThat(m.getReadonly()).isTrue());
    assertThat(c.getLinux().getSecurityContext().getPrivileged()).isTrue();
    assertThat(c.getLinux().getResources().getMemoryLimitInBytes()).isEqualTo(1 << 26);
  }

  @Test
  void portsAndNamesAreChecked() {
    PodSpec bad = pod("", ConfigRef.NONE, List.of(new PodSpec.PortSpec(80, 0, "localhost", PodSpec.Protocol.TCP)));
    assertThatThrownBy(() -> SpecValidator.validate(bad)).hasMessageContaining("ports[0].hostIp = \"localhost\" is not an IP address literal");
    assertThatThrownBy(() -> SpecValidator.pairs("o", "labels", new String[] {"novalue"}))
        .hasMessage("o: labels[0] = \"novalue\" is not of the form KEY=VALUE");
  }

  PodSpec sharing(ConfigRef config, boolean share) {
    return new PodSpec("@PodSandbox on field T.p", "", "p", "", Map.of(), Map.of(), "", "", List.of(), List.of(),
        List.of(), List.of(), config, List.of(), share);
  }

  ContainerSpec container(ConfigRef config) {
    return new ContainerSpec("@CriContainer on field T.c", "c", "c", "busybox", List.of(), List.of(), Map.of(), "",
        List.of(), false, 0, config, new ContainerSpec.WaitSpec(0, "", 0, 200, "", List.of(), Duration.ofSeconds(1)));
  }

  static NamespaceMode pid(PodSandboxConfig.Builder b) {
    return b.getLinux().getSecurityContext().getNamespaceOptions().getPid();
  }

  static NamespaceMode pid(ContainerConfig.Builder b) {
    return b.getLinux().getSecurityContext().getNamespaceOptions().getPid();
  }

  @Test
  void eachContainerHasItsOwnPidNamespaceUnlessThePodShares() {
    assertThat(pid(CriConfigs.sandbox(sharing(ConfigRef.NONE, false)))).isEqualTo(NamespaceMode.CONTAINER);
    assertThat(pid(CriConfigs.sandbox(sharing(ConfigRef.NONE, true)))).isEqualTo(NamespaceMode.POD);
    assertThat(pid(CriConfigs.container(container(ConfigRef.NONE), NamespaceMode.CONTAINER))).isEqualTo(NamespaceMode.CONTAINER);
    assertThat(pid(CriConfigs.container(container(ConfigRef.NONE), NamespaceMode.POD))).isEqualTo(NamespaceMode.POD);
    assertThat(pid(CriConfigs.container(container(ConfigRef.NONE), NamespaceMode.NODE))).isEqualTo(NamespaceMode.NODE);
  }

  @Test
  void aPidNamespaceNamedInJsonIsKeptEvenWhenItIsCrisZeroValue() throws Exception {
    Path podJson = Files.writeString(dir.resolve("pod-pid.json"),
        "{\"linux\":{\"security_context\":{\"namespace_options\":{\"pid\":\"POD\"}}}}");
    Path hostPid = Files.writeString(dir.resolve("host-pid.json"),
        "{\"linux\":{\"securityContext\":{\"namespaceOptions\":{\"pid\":2}}}}");
    Path containerJson = Files.writeString(dir.resolve("c-pid.json"),
        "{\"linux\":{\"security_context\":{\"namespace_options\":{\"pid\":0}}}}");
    assertThat(pid(CriConfigs.sandbox(sharing(new ConfigRef(podJson.toString(), null), false)))).isEqualTo(NamespaceMode.POD);
    assertThat(pid(CriConfigs.sandbox(sharing(new ConfigRef(hostPid.toString(), null), false)))).isEqualTo(NamespaceMode.NODE);
    assertThat(pid(CriConfigs.container(container(new ConfigRef(containerJson.toString(), null)), NamespaceMode.CONTAINER)))
        .isEqualTo(NamespaceMode.POD);
  }

  @Test
  void sharingAndAHostPidNamespaceInJsonIsRefusedNamingBoth() throws Exception {
    Path hostPid = Files.writeString(dir.resolve("host-pid.json"),
        "{\"linux\":{\"security_context\":{\"namespace_options\":{\"pid\":\"NODE\"}}}}");
    assertThatThrownBy(() -> CriConfigs.sandbox(sharing(new ConfigRef(hostPid.toString(), null), true)))
        .isInstanceOf(PodSpecException.class)
        .hasMessageContaining("@PodSandbox on field T.p")
        .hasMessageContaining("shareProcessNamespace = true")
        .hasMessageContaining("namespace_options.pid to NODE");
  }
}
