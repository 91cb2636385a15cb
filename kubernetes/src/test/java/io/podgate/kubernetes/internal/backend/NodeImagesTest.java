package io.podgate.kubernetes.internal.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.podgate.PodgateException;
import io.podgate.internal.pod.PodSpecException;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Images on a cluster podgate did not start, against fabric8's CRUD mock server (node.status.images). */
@EnableKubernetesMockClient(crud = true)
class NodeImagesTest {
  KubernetesClient client;

  @BeforeEach
  void nodes() {
    client.nodes().resource(new NodeBuilder().withNewMetadata().withName("n1").endMetadata().withNewStatus()
        .addNewImage().withNames("podgate.local/busybox:1").endImage().endStatus().build()).create();
    client.nodes().resource(new NodeBuilder().withNewMetadata().withName("n2").endMetadata().build()).create();
  }

  @Test
  void aBuiltInImageOnSomeNodeIsUsedAsIs() {
    assertThat(new NodeImages(client).resolve("podgate:busybox", "@CriContainer c", Optional.empty()))
        .isEqualTo(new ImageSource.Resolved("podgate.local/busybox:1", "Never"));
  }

  @Test
  void anImageNoNodeHasIsNamedWithTheNodes() {
    assertThatThrownBy(() -> new NodeImages(client).resolve("podgate:debug", "@CriContainer c", Optional.empty()))
        .isInstanceOf(PodgateException.class)
        .hasMessage("@CriContainer c: image podgate.local/debug:1 (podgate:debug) is not on nodes [n1, n2]"
            + " (node.status.images); import podgate's archive there (ctr -n k8s.io images import), or use"
            + " podgate.backend = local-cluster, which imports it");
    assertThatThrownBy(() -> new NodeImages(client).resolve("podgate:busybox", "@CriContainer c", Optional.of("n2")))
        .hasMessageContaining("is not on node [n2]");
  }

  @Test
  void registryReferencesArePulledByTheKubeletAndArchivesRefused() {
    assertThat(new NodeImages(client).resolve("nginx", "@CriContainer c", Optional.empty()))
        .isEqualTo(new ImageSource.Resolved("docker.io/library/nginx:latest", "IfNotPresent"));
    assertThatThrownBy(() -> new NodeImages(client).resolve("oci-archive:/tmp/x.tar", "@CriContainer c", Optional.empty()))
        .isInstanceOf(PodSpecException.class).hasMessageContaining("cannot reach the cluster's nodes");
  }
}
