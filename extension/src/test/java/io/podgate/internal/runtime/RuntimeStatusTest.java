package io.podgate.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.podgate.internal.cri.v1.RuntimeCondition;
import io.podgate.internal.cri.v1.StatusResponse;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Reading a verbose CRI Status, and the message for a runtime that is not ready. */
class RuntimeStatusTest {
  /** Shaped like containerd 1.6's info["config"] (trimmed). */
  static final String CONFIG = "{\"containerd\":{\"snapshotter\":\"overlayfs\"},\"cni\":{\"binDir\":\"/usr/lib/cni\","
      + "\"confDir\":\"/etc/cni/net.d\",\"maxConfNum\":1},\"sandboxImage\":\"registry.k8s.io/pause:3.6\","
      + "\"restrictOOMScoreAdj\":false,\"containerdRootDir\":\"/var/lib/containerd\"}";

  static StatusResponse status(boolean runtimeReady, boolean networkReady, String config) {
    StatusResponse.Builder b = StatusResponse.newBuilder();
    b.getStatusBuilder()
        .addConditions(RuntimeCondition.newBuilder().setType("RuntimeReady").setStatus(runtimeReady))
        .addConditions(RuntimeCondition.newBuilder().setType("NetworkReady").setStatus(networkReady)
            .setReason(networkReady ? "" : "NetworkPluginNotReady")
            .setMessage(networkReady ? "" : "Network plugin returns error: cni plugin not initialized"));
    if (config != null) {
      b.putInfo("config", config);
    }
    return b.build();
  }

  @Test
  void readsContainerdsCriConfig() {
    RuntimeStatus s = RuntimeStatus.of(status(true, true, CONFIG));
    assertThat(s.sandboxImage()).contains("registry.k8s.io/pause:3.6");
    assertThat(s.cniConfDir()).contains("/etc/cni/net.d");
    assertThat(s.cniBinDir()).contains("/usr/lib/cni");
    assertThat(s.restrictOomScoreAdj()).contains(false);
    assertThat(s.unmet()).isEmpty();
  }

  @Test
  void unknownOrMissingConfigLeavesFieldsEmpty() {
    for (String config : new String[] {null, "", "not json", "[1,2]", "{\"sandboxImage\": 3}"}) {
      RuntimeStatus s = RuntimeStatus.of(status(true, true, config));
      assertThat(s.sandboxImage()).as(config).isEmpty();
      assertThat(s.cniConfDir()).as(config).isEmpty();
      assertThat(s.restrictOomScoreAdj()).as(config).isEmpty();
    }
  }

  @Test
  void notReadyMessageQuotesTheRuntimeAndNamesConfDirAndWayOut() {
    RuntimeStatus s = RuntimeStatus.of(status(true, false, CONFIG));
    assertThat(s.unmet()).extracting(RuntimeStatus.Condition::type).containsExactly("NetworkReady");
    String m = RuntimeReadiness.message(s, "unix:///run/containerd/containerd.sock", "system property x");
    assertThat(m)
        .contains("NetworkReady=false (reason NetworkPluginNotReady; message \"Network plugin returns error: cni plugin"
            + " not initialized\")")
        .contains("CNI conf dir /etc/cni/net.d (cni.confDir of its CRI config)")
        .contains("/etc/cni/net.d/10-containerd-net.conflist")
        .contains("\"type\": \"portmap\"")
        .contains("unset system property " + CriEndpoint.PROPERTY)
        .doesNotContain("RuntimeReady=");
  }

  @Test
  void withoutConfigTheDefaultConfDirIsNamedAsSuch() {
    RuntimeStatus s = RuntimeStatus.of(status(false, false, null));
    assertThat(s.unmet()).hasSize(2);
    assertThat(RuntimeReadiness.message(s, "unix:///x.sock", "environment variable y"))
        .contains("RuntimeReady=false and NetworkReady=false")
        .contains("make the runtime itself ready")
        .contains("CNI conf dir /etc/cni/net.d (containerd's default; its CRI config did not say)");
  }

  @Test
  void exampleConflistIsJsonWithTheGivenNetwork() throws Exception {
    String json = RuntimeReadiness.exampleConflist("n", "br9", "10.9.0.0/24", Optional.of(Path.of("/tmp/a\"b")));
    var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
    assertThat(tree.path("name").asText()).isEqualTo("n");
    assertThat(tree.path("plugins").get(0).path("bridge").asText()).isEqualTo("br9");
    assertThat(tree.path("plugins").get(0).path("ipam").path("dataDir").asText()).isEqualTo("/tmp/a\"b");
    assertThat(tree.path("plugins").get(0).path("ipam").path("ranges").get(0).get(0).path("subnet").asText())
        .isEqualTo("10.9.0.0/24");
  }
}
