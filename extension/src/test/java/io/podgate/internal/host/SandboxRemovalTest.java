package io.podgate.internal.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Reading containerd's verbose sandbox info for the network namespace podgate may have to remove itself. */
class SandboxRemovalTest {
  @Test
  void networkNamespaceComesFromTheRuntimeSpec() {
    String info = "{\"pid\":0,\"processStatus\":\"deleted\",\"netNamespaceClosed\":false,\"runtimeSpec\":{\"linux\":{"
        + "\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\",\"path\":\"/var/run/netns/cni-ecf8cf26\"}]}}}";
    assertThat(SandboxRemoval.networkNamespace(info)).contains(Path.of("/var/run/netns/cni-ecf8cf26"));
  }

  @Test
  void noNetworkNamespaceWhenTheSpecHasNoneOrTheInfoIsNotJson() {
    assertThat(SandboxRemoval.networkNamespace("{\"runtimeSpec\":{\"linux\":{\"namespaces\":[{\"type\":\"network\"}]}}}"))
        .isEqualTo(Optional.empty());
    assertThat(SandboxRemoval.networkNamespace("")).isEmpty();
    assertThat(SandboxRemoval.networkNamespace("not json")).isEmpty();
  }

  @Test
  void onlyNamespacesUnderVarRunNetnsAreDeleted() {
    assertThat(NetworkNamespaces.delete(Path.of("/proc/1/ns/net"))).singleElement().asString().contains("left alone");
  }
}
