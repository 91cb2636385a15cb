package io.podgate.kubernetes.internal.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.podgate.PodgateException;
import io.podgate.internal.backend.BackendLease;
import io.podgate.internal.backend.PodBackends;
import io.podgate.internal.backend.PodHandle;
import io.podgate.internal.image.StandardImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backend {@code kubernetes} (a cluster named by a kubeconfig, images already on its nodes) against the real
 * local cluster: its own session namespace and Lease, a pod from an image a node has, and a clear error for one
 * no node has.
 */
@Tag("containerd")
class KubernetesBackendOnClusterTest {
  @TempDir
  Path dir;

  /** busybox runs sh by default, which ends at once without stdin. */
  private static io.podgate.internal.pod.ContainerSpec sleeper() {
    return new io.podgate.internal.pod.ContainerSpec("@CriContainer c", "c", "c", "podgate:busybox",
        java.util.List.of("sleep", "3600"), java.util.List.of(), Map.of(), "", java.util.List.of(), false, 0,
        io.podgate.internal.pod.ConfigRef.NONE, io.podgate.internal.pod.ContainerSpec.WaitSpec.running());
  }

  @Test
  void aClusterFromAKubeconfigRunsPodsAndNamesImagesNoNodeHas() throws Exception {
    try (BackendLease local = PodBackends.acquire()) {
      KubernetesPodBackend localBackend = (KubernetesPodBackend) local.backend();
      // the local cluster imports busybox into its node's containerd on first use
      try (PodHandle seeded = localBackend.create(localBackend.plan(Specs.pod("seed", Specs.container("c", "podgate:busybox"))), Map.of())) {
        assertThat(seeded.ip()).isNotEmpty();
      }
      KubernetesClient admin = localBackend.client();
      admin.nodes().withName(LocalClusterBackendProvider.NODE_NAME).waitUntilCondition(
          n -> n != null && NodeImages.has(n, StandardImages.BUSYBOX_REFERENCE), 90, TimeUnit.SECONDS);
      Path kubeconfig = dir.resolve("kubeconfig"); // a copy, as a user's kubeconfig of the cluster would be
      Files.copy(admin.getConfiguration().getFile().toPath(), kubeconfig);

      KubernetesClient client = KubeClients.open(new KubeClients.Source(kubeconfig, "the test"), Optional.empty());
      KubernetesPodBackend remote = new KubernetesPodBackend(client, KubernetesBackendProvider.newSessionId(), "test",
          new NodeImages(client), false, false, null, Map.of());
      try {
        try (PodHandle pod = remote.create(remote.plan(Specs.pod("remote", sleeper())), Map.of())) {
          assertThat(pod.labels()).containsEntry("io.podgate.session", remote.ownerLabels().get("io.podgate.session"));
          // name() and namespace() are the declared ones; id() and toString() say where the object is
          var object = client.pods().inNamespace(remote.namespace()).withLabel(PodTranslator.POD_LABEL, "remote").list()
              .getItems();
          assertThat(object).singleElement().satisfies(o -> {
            assertThat(pod.name()).isEqualTo("remote");
            assertThat(pod.namespace()).isEqualTo("default"); // CRI metadata's when none is declared
            assertThat(o.getMetadata().getName()).matches("remote-[0-9a-f]{6}");
            assertThat(pod.id()).isEqualTo(o.getMetadata().getUid());
            assertThat(pod.toString()).contains(remote.namespace() + "/" + o.getMetadata().getName());
            assertThat(o.getSpec().getActiveDeadlineSeconds()).isEqualTo(KubernetesPodBackend.ACTIVE_DEADLINE_SECONDS);
          });
          assertThat(pod.containers().get(0).exec("sh", "-c", "echo $((6*7))").stdout()).isEqualTo("42\n");
          assertThat(client.leases().inNamespace(remote.namespace()).withName(SessionNamespace.LEASE).get()).isNotNull();
          assertThat(remote.namespace()).isNotEqualTo(localBackend.namespace());
        }
        assertThatThrownBy(() -> remote.create(remote.plan(Specs.pod("debug", Specs.container("d", "podgate:debug"))), Map.of()))
            .isInstanceOf(PodgateException.class)
            .hasMessageContaining("@CriContainer d: image podgate.local/debug:1 (podgate:debug) is not on node ["
                + LocalClusterBackendProvider.NODE_NAME + "]");
        assertThat(client.pods().inNamespace(remote.namespace()).list().getItems()).isEmpty();
      } finally {
        remote.close();
        client.close();
      }
    }
  }
}
