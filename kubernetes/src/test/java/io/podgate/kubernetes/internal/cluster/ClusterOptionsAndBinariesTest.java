package io.podgate.kubernetes.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podgate.PodgateException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad options and missing binaries fail naming what to fix; the newest complete cache dir wins. */
class ClusterOptionsAndBinariesTest {
  @TempDir
  Path tmp;

  @Test
  void aBinariesDirectoryWithoutTheFourNamesWhatIsMissingAndTheScript() throws Exception {
    Files.createFile(tmp.resolve("kubelet")).toFile().setExecutable(true);
    String old = System.getProperty(ClusterBinaries.PROPERTY);
    System.setProperty(ClusterBinaries.PROPERTY, tmp.toString());
    try {
      assertThatThrownBy(ClusterBinaries::find).isInstanceOf(PodgateException.class)
          .hasMessageContaining(ClusterBinaries.PROPERTY + "=" + tmp)
          .hasMessageContaining("[kube-apiserver, kube-controller-manager, kube-scheduler]")
          .hasMessageContaining("ci/k8s-binaries");
    } finally {
      if (old == null) {
        System.clearProperty(ClusterBinaries.PROPERTY);
      } else {
        System.setProperty(ClusterBinaries.PROPERTY, old);
      }
    }
  }

  @Test
  void theNewestCacheDirectoryHoldingAllFourIsChosen() throws Exception {
    Path older = complete("k8s-a", 1000);
    Path newer = complete("k8s-b", 2000);
    Path partial = Files.createDirectories(tmp.resolve("k8s-c"));
    Files.setLastModifiedTime(partial, FileTime.fromMillis(3000));
    Files.createDirectories(tmp.resolve("images"));
    assertThat(ClusterBinaries.newestComplete(tmp)).contains(newer);
    assertThat(older).exists();
    assertThat(ClusterBinaries.newestComplete(tmp.resolve("absent"))).isEqualTo(Optional.empty());
  }

  @Test
  void badOptionsAreRefusedByName() {
    Path socket = tmp.resolve("containerd.sock");
    assertThatThrownBy(() -> new LocalClusterOptions.Node("Node_A", socket, "10.171.0.1"))
        .hasMessageContaining("node name 'Node_A' must be a DNS label");
    assertThatThrownBy(() -> new LocalClusterOptions.Node("a", socket, "127.0.0.1"))
        .hasMessageContaining("ip '127.0.0.1' must be a non-loopback IPv4 address");
    assertThatThrownBy(() -> LocalClusterOptions.builder().name("c").workDir(tmp).build())
        .hasMessageContaining("give at least one node");
    assertThatThrownBy(() -> LocalClusterOptions.builder().name("c").workDir(tmp)
        .node(new LocalClusterOptions.Node("a", socket, "10.171.0.1"))
        .node(new LocalClusterOptions.Node("b", socket, "10.171.0.1")).build())
        .hasMessageContaining("node names and IPs must be distinct");
    assertThatThrownBy(() -> LocalClusterOptions.builder().name("c").workDir(tmp)
        .node(new LocalClusterOptions.Node("a", socket, "10.171.0.1", Optional.of("ns-a"))).build())
        .hasMessageContaining("set apiserverAddress");
  }

  private Path complete(String name, long mtime) throws Exception {
    Path d = Files.createDirectories(tmp.resolve(name));
    for (String b : ClusterBinaries.NAMES) {
      Files.createFile(d.resolve(b)).toFile().setExecutable(true);
    }
    Files.setLastModifiedTime(d, FileTime.fromMillis(mtime));
    return d;
  }
}
