package io.podgate.internal.measure.churn;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OciSpecTest {
  @Test
  void defaultUnixSpecHasContainerdsShape() throws Exception {
    JsonNode s = new ObjectMapper().readTree(OciSpec.defaultUnix("podgate-churn-1", "c1", List.of("/bin/true"),
        "[\"PATH=/bin\"]", "/"));
    assertThat(s.path("root").path("path").asText()).isEqualTo("rootfs");
    assertThat(s.path("process").path("args").get(0).asText()).isEqualTo("/bin/true");
    assertThat(s.path("process").path("env").get(0).asText()).isEqualTo("PATH=/bin");
    assertThat(s.path("linux").path("cgroupsPath").asText()).isEqualTo("/podgate-churn-1/c1");
    List<String> namespaces = new ArrayList<>();
    s.path("linux").path("namespaces").forEach(n -> namespaces.add(n.path("type").asText()));
    assertThat(namespaces).containsExactly("pid", "ipc", "uts", "mount", "network");
    List<String> mounts = new ArrayList<>();
    s.path("mounts").forEach(m -> mounts.add(m.path("destination").asText()));
    assertThat(mounts).contains("/proc", "/dev", "/dev/pts", "/dev/shm", "/sys");
  }

  @Test
  void chainIdOfALayerOnAParentIsTheDigestOfBothIds() {
    assertThat(ContainerdChurnEngine.sha256("sha256:a sha256:b")).startsWith("sha256:").hasSize(7 + 64)
        .isNotEqualTo(ContainerdChurnEngine.sha256("sha256:b sha256:a"));
  }
}
