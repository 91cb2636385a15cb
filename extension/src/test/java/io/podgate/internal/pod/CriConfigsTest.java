package io.podgate.internal.pod;

import io.podgate.internal.host.PodgateLabels;
import io.podgate.CriContainer;
import io.podgate.PodSandbox;
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
    assertThat(c.getMetadata().getUid()).as("a fresh uid, as the kubelet gives each pod").isNotEqualTo("hdishd83djaidwnduwk28bcsb")
        .matches("[0-9a-f-]{36}");
    assertThat(c.getAnnotationsMap()).containsEntry(PodgateLabels.CONFIG_UID, "hdishd83djaidwnduwk28bcsb");
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
  void twoPodsFromOneJsonGetDifferentUids() throws Exception {
    Path json = Files.writeString(dir.resolve("pod.json"), SEED);
    ConfigRef ref = new ConfigRef(json.toString(), null);
    String a = CriConfigs.sandbox(pod("", ref, List.of())).getMetadata().getUid();
    String b = CriConfigs.sandbox(pod("", ref, List.of())).getMetadata().getUid();
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void portZeroInJsonIsNamedByFileAndPath() throws Exception {
    Path json = Files.writeString(dir.resolve("portzero.json"), "{\"metadata\":{\"name\":\"portzero\",\"namespace\":\"default\","
        + "\"uid\":\"u-1\",\"attempt\":1},\"port_mappings\":[{\"protocol\":0,\"container_port\":0,\"host_ip\":\"127.0.0.1\"}],\"linux\":{}}");
    assertThatThrownBy(() -> CriConfigs.sandbox(pod("", new ConfigRef(json.toString(), null), List.of())))
        .isInstanceOf(PodSpecException.class)
        .hasMessage("@PodSandbox on field T.p: " + json + ": port_mappings[0].container_port = 0 is out of range 1..65535");
  }

  /** Each bad pod JSON value, and the message part that names it. */
  static final String[][] BAD_POD_JSON = {
      {"{\"port_mappings\":[{\"container_port\":80},{\"container_port\":70000}]}",
          "port_mappings[1].container_port = 70000 is out of range 1..65535"},
      {"{\"port_mappings\":[{\"container_port\":80,\"host_port\":-1}]}", "port_mappings[0].host_port = -1 is out of range 0..65535"},
      {"{\"port_mappings\":[{\"container_port\":80,\"host_ip\":\"localhost\"}]}",
          "port_mappings[0].host_ip = \"localhost\" is not an IP address literal"},
      {"{\"port_mappings\":[{\"container_port\":80,\"protocol\":7}]}", "port_mappings[0].protocol = 7 is not a protocol"},
      {"{\"port_mappings\":[{\"container_port\":80},{\"container_port\":80}]}", "port_mappings[1]: container port 80/TCP is mapped twice"},
      {"{\"metadata\":{\"name\":\"Web_1\"}}", "metadata.name = \"Web_1\" must be at most 253 lower-case letters"},
      {"{\"metadata\":{\"namespace\":\"my ns\"}}", "metadata.namespace = \"my ns\" must be at most 253"},
      {"{\"hostname\":\"a.b\"}", "hostname = \"a.b\" must be at most 63 letters"},
      {"{\"log_directory\":\"logs\"}", "log_directory = \"logs\" must be an absolute path"},
      {"{\"dns_config\":{\"servers\":[\"1.1.1.1\",\"dns.example\"]}}", "dns_config.servers[1] = \"dns.example\" is not an IP address literal"},
      {"{\"dns_config\":{\"searches\":[\"a b\"]}}", "dns_config.searches[0] = \"a b\" is not a DNS search domain"},
  };

  @Test
  void everyBadPodJsonValueIsNamedByFileAndPath() throws Exception {
    for (String[] bad : BAD_POD_JSON) {
      Path json = Files.writeString(dir.resolve("bad-pod.json"), bad[0]);
      assertThatThrownBy(() -> CriConfigs.sandbox(pod("", new ConfigRef(json.toString(), null), List.of())))
          .as(bad[0]).isInstanceOf(PodSpecException.class)
          .hasMessageStartingWith("@PodSandbox on field T.p: " + json + ": " + bad[1]);
    }
  }

  static final String[][] BAD_CONTAINER_JSON = {
      {"{\"metadata\":{\"name\":\"App\"}}", "metadata.name = \"App\" must be at most 63 lower-case letters"},
      {"{\"image\":{\"image\":\" \"}}", "image.image = \" \" is blank"},
      {"{\"working_dir\":\"work\"}", "working_dir = \"work\" must be an absolute path"},
      {"{\"envs\":[{\"key\":\"\",\"value\":\"x\"}]}", "envs[0].key = \"\" is empty"},
      {"{\"mounts\":[{\"host_path\":\"tmp\",\"container_path\":\"/t\"}]}", "mounts[0].host_path = \"tmp\" must be an absolute path that exists"},
      {"{\"mounts\":[{\"host_path\":\"/no/such/dir/podgate\",\"container_path\":\"/t\"}]}",
          "mounts[0].host_path = \"/no/such/dir/podgate\" must be an absolute path that exists"},
      {"{\"mounts\":[{\"host_path\":\"/tmp\",\"container_path\":\"t\"}]}", "mounts[0].container_path = \"t\" must be absolute"},
      {"{\"linux\":{\"resources\":{\"memory_limit_in_bytes\":-1}}}", "linux.resources.memory_limit_in_bytes = -1 is negative"},
  };

  @Test
  void everyBadContainerJsonValueIsNamedByFileAndPath() throws Exception {
    for (String[] bad : BAD_CONTAINER_JSON) {
      Path json = Files.writeString(dir.resolve("bad-container.json"), bad[0]);
      assertThatThrownBy(() -> CriConfigs.container(container(new ConfigRef(json.toString(), null)), NamespaceMode.CONTAINER))
          .as(bad[0]).isInstanceOf(PodSpecException.class)
          .hasMessageStartingWith("@CriContainer on field T.c: " + json + ": " + bad[1]);
    }
  }

  @Test
  void annotationValuesFollowTheSameRules() {
    PodSpec badName = new PodSpec("o", "Web_1", "p", "", Map.of(), Map.of(), "", "", List.of(), List.of(), List.of(),
        List.of(), ConfigRef.NONE, List.of());
    assertThatThrownBy(() -> SpecValidator.validate(badName)).hasMessageStartingWith("o: name = \"Web_1\" must be at most 253");
    PodSpec badLogDir = new PodSpec("o", "", "p", "", Map.of(), Map.of(), "", "logs", List.of(), List.of(), List.of(),
        List.of(), ConfigRef.NONE, List.of());
    assertThatThrownBy(() -> SpecValidator.validate(badLogDir)).hasMessage("o: logDirectory = \"logs\" must be an absolute path");
    PodSpec badDns = new PodSpec("o", "", "p", "", Map.of(), Map.of(), "", "", List.of("dns.example"), List.of(), List.of(),
        List.of(), ConfigRef.NONE, List.of());
    assertThatThrownBy(() -> SpecValidator.validate(badDns)).hasMessageStartingWith("o: dnsServers[0] = \"dns.example\" is not an IP");
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
