package io.podgate.internal.cri;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.podgate.internal.cri.v1.ContainerConfig;
import io.podgate.internal.cri.v1.NamespaceMode;
import io.podgate.internal.cri.v1.PodSandboxConfig;
import io.podgate.internal.cri.v1.Protocol;
import org.junit.jupiter.api.Test;

/** crictl-style JSON configs parse into the generated CRI types (only parsed, never run). */
class CriJsonTest {
  @Test
  void parsesCrictlPodSandboxJson() throws Exception {
    String json = "{\"metadata\":{\"name\":\"pod-sandbox\",\"uid\":\"hdishd83djaidwnduwk28bcsb\",\"namespace\":\"k8s.io\","
        + "\"attempt\":3},\"log_directory\":\"/tmp\",\"dns_config\":{\"servers\":[\"8.8.8.8\",\"8.8.4.4\"]},"
        + "\"port_mappings\":[{\"protocol\":0,\"container_port\":80,\"host_port\":80,\"host_ip\":\"192.168.31.15\"}]}";
    PodSandboxConfig.Builder b = PodSandboxConfig.newBuilder();
    JsonFormat.parser().merge(json, b);
    PodSandboxConfig c = b.build();
    assertThat(c.getMetadata().getName()).isEqualTo("pod-sandbox");
    assertThat(c.getMetadata().getUid()).isEqualTo("hdishd83djaidwnduwk28bcsb");
    assertThat(c.getMetadata().getNamespace()).isEqualTo("k8s.io");
    assertThat(c.getMetadata().getAttempt()).isEqualTo(3);
    assertThat(c.getLogDirectory()).isEqualTo("/tmp");
    assertThat(c.getDnsConfig().getServersList()).containsExactly("8.8.8.8", "8.8.4.4");
    assertThat(c.getPortMappingsList()).singleElement().satisfies(p -> {
      assertThat(p.getProtocol()).isEqualTo(Protocol.TCP);
      assertThat(p.getContainerPort()).isEqualTo(80);
      assertThat(p.getHostPort()).isEqualTo(80);
      assertThat(p.getHostIp()).isEqualTo("192.168.31.15");
    });
  }

  @Test
  void parsesFullerPodSandboxJson() throws Exception {
    String json = """
        {
          "metadata": {"name": "web", "namespace": "default", "uid": "u1"},
          "hostname": "web-1",
          "log_directory": "/tmp/logs",
          "dns_config": {"searches": ["svc.local"], "options": ["ndots:2"]},
          "port_mappings": [{"protocol": "UDP", "container_port": 53}],
          "labels": {"app": "web"},
          "annotations": {"note": "x"},
          "linux": {
            "cgroup_parent": "/podgate",
            "sysctls": {"net.ipv4.ip_unprivileged_port_start": "0"},
            "security_context": {
              "privileged": true,
              "namespace_options": {"network": 2, "pid": "CONTAINER"}
            }
          }
        }""";
    PodSandboxConfig.Builder b = PodSandboxConfig.newBuilder();
    JsonFormat.parser().merge(json, b);
    PodSandboxConfig c = b.build();
    assertThat(c.getHostname()).isEqualTo("web-1");
    assertThat(c.getPortMappings(0).getProtocol()).isEqualTo(Protocol.UDP);
    assertThat(c.getLabelsMap()).containsEntry("app", "web");
    assertThat(c.getLinux().getCgroupParent()).isEqualTo("/podgate");
    assertThat(c.getLinux().getSysctlsMap()).containsKey("net.ipv4.ip_unprivileged_port_start");
    assertThat(c.getLinux().getSecurityContext().getPrivileged()).isTrue();
    assertThat(c.getLinux().getSecurityContext().getNamespaceOptions().getNetwork()).isEqualTo(NamespaceMode.NODE);
    assertThat(c.getLinux().getSecurityContext().getNamespaceOptions().getPid()).isEqualTo(NamespaceMode.CONTAINER);
  }

  @Test
  void parsesCrictlContainerJson() throws Exception {
    String json = """
        {
          "metadata": {"name": "busybox"},
          "image": {"image": "busybox"},
          "command": ["top"],
          "args": ["-b"],
          "working_dir": "/",
          "envs": [{"key": "A", "value": "1"}],
          "mounts": [{"container_path": "/data", "host_path": "/tmp/data", "readonly": true}],
          "labels": {"tier": "backend"},
          "log_path": "busybox.0.log",
          "stdin": false,
          "tty": false,
          "linux": {
            "resources": {"memory_limit_in_bytes": 67108864, "cpu_period": 100000, "cpu_quota": 50000},
            "security_context": {"privileged": false, "run_as_user": {"value": 1000},
              "namespace_options": {"pid": 1}}
          }
        }""";
    ContainerConfig.Builder b = ContainerConfig.newBuilder();
    JsonFormat.parser().merge(json, b);
    ContainerConfig c = b.build();
    assertThat(c.getImage().getImage()).isEqualTo("busybox");
    assertThat(c.getCommandList()).containsExactly("top");
    assertThat(c.getArgsList()).containsExactly("-b");
    assertThat(c.getEnvs(0).getKey()).isEqualTo("A");
    assertThat(c.getMounts(0).getReadonly()).isTrue();
    assertThat(c.getLogPath()).isEqualTo("busybox.0.log");
    assertThat(c.getLinux().getResources().getMemoryLimitInBytes()).isEqualTo(64L << 20);
    assertThat(c.getLinux().getResources().getCpuQuota()).isEqualTo(50000);
    assertThat(c.getLinux().getSecurityContext().getRunAsUser().getValue()).isEqualTo(1000);
    assertThat(c.getLinux().getSecurityContext().getNamespaceOptions().getPid()).isEqualTo(NamespaceMode.CONTAINER);
  }

  @Test
  void unknownFieldIsRejectedUnlessIgnored() throws Exception {
    String json = "{\"metadata\":{\"name\":\"p\"},\"no_such_field\":1}";
    assertThatThrownBy(() -> JsonFormat.parser().merge(json, PodSandboxConfig.newBuilder()))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessageContaining("no_such_field");
    PodSandboxConfig.Builder b = PodSandboxConfig.newBuilder();
    JsonFormat.parser().ignoringUnknownFields().merge(json, b);
    assertThat(b.getMetadata().getName()).isEqualTo("p");
  }
}
