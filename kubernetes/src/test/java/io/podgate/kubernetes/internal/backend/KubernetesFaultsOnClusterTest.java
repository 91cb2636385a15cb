package io.podgate.kubernetes.internal.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.podgate.PodgateException;
import io.podgate.internal.backend.BackendLease;
import io.podgate.internal.backend.PodBackends;
import io.podgate.internal.backend.PodHandle;
import io.podgate.internal.host.PodgateLabels;
import io.podgate.internal.image.StandardImages;
import io.podgate.internal.pod.ConfigRef;
import io.podgate.internal.pod.ContainerSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults of backend {@code kubernetes} on a real cluster (the local cluster, reached as a user's cluster would be):
 * an exceeded ResourceQuota, a user without RBAC rights, and a dead session's namespace swept by a new session.
 * Each error names what to fix, and nothing of the failed step is left.
 */
@Tag("containerd")
class KubernetesFaultsOnClusterTest {
  static BackendLease local;
  static KubernetesClient admin;

  @TempDir
  Path dir;

  @BeforeAll
  static void cluster() {
    local = PodBackends.acquire();
    KubernetesPodBackend backend = (KubernetesPodBackend) local.backend();
    try (PodHandle seeded = backend.create(backend.plan(Specs.pod("seed", Specs.container("c", "podgate:busybox"))), Map.of())) {
      assertThat(seeded.ip()).isNotEmpty(); // the local cluster imports busybox into its node on first use
    }
    admin = backend.client();
    admin.nodes().withName(LocalClusterBackendProvider.NODE_NAME).waitUntilCondition(
        n -> n != null && NodeImages.has(n, StandardImages.BUSYBOX_REFERENCE), 90, TimeUnit.SECONDS);
  }

  @AfterAll
  static void release() {
    if (local != null) {
      local.close();
    }
  }

  private static ContainerSpec sleeper() {
    return new ContainerSpec("@CriContainer c", "c", "c", "podgate:busybox", List.of("sleep", "3600"), List.of(),
        Map.of(), "", List.of(), false, 0, ConfigRef.NONE, ContainerSpec.WaitSpec.running());
  }

  private static KubernetesPodBackend remote(KubernetesClient client) {
    return new KubernetesPodBackend(client, KubernetesBackendProvider.newSessionId(), "test", new NodeImages(client),
        false, false, null, Map.of());
  }

  private static List<String> podsNamed(String ns, String declared) {
    return admin.pods().inNamespace(ns).withLabel(PodTranslator.POD_LABEL, declared).list().getItems().stream()
        .map(Pod::getMetadata).map(m -> m.getName()).toList();
  }

  @Test
  void anExceededQuotaIsNamedAndThePodIsNotLeft() {
    KubernetesPodBackend remote = remote(admin);
    try (PodHandle first = remote.create(remote.plan(Specs.pod("first", sleeper())), Map.of())) {
      String ns = remote.namespace();
      admin.resourceQuotas().inNamespace(ns).resource(new ResourceQuotaBuilder().withNewMetadata().withName("one-pod")
          .endMetadata().withNewSpec().addToHard("pods", new Quantity("1")).endSpec().build()).create();
      // admission refuses with "status unknown" until the quota controller has counted the pod there is
      admin.resourceQuotas().inNamespace(ns).withName("one-pod").waitUntilCondition(q -> q != null && q.getStatus() != null
          && q.getStatus().getUsed() != null && new Quantity("1").equals(q.getStatus().getUsed().get("pods")), 60, TimeUnit.SECONDS);

      assertThatThrownBy(() -> remote.create(remote.plan(Specs.pod("second", sleeper())), Map.of()))
          .isInstanceOf(PodgateException.class)
          .hasMessageContaining("creating pod 'second' (" + ns + "/second-")
          .hasMessageContaining("was refused by a ResourceQuota")
          .hasMessageContaining("exceeded quota: one-pod")
          .hasMessageContaining("Raise the quota")
          .hasMessageNotContaining("RBAC");
      assertThat(podsNamed(ns, "second")).isEmpty();
      assertThat(podsNamed(ns, "first")).hasSize(1);
    } finally {
      remote.close();
    }
  }

  @Test
  void aUserWithoutRightsIsToldWhatToGrantAndNothingIsMade() throws Exception {
    Path kubeconfig = kubeconfigOfNewUser("podgate-nobody");
    List<String> before = podgateNamespaces();
    KubernetesClient client = KubeClients.open(new KubeClients.Source(kubeconfig, "the test"), Optional.empty());
    try {
      assertThatThrownBy(() -> remote(client))
          .isInstanceOf(PodgateException.class)
          .hasMessageContaining("looking for stale podgate namespaces")
          .hasMessageContaining("was forbidden by the cluster's RBAC")
          .hasMessageContaining("User \"podgate-nobody\" cannot list resource \"namespaces\"")
          .hasMessageContaining("Grant the kubeconfig's user that permission");
    } finally {
      client.close();
    }
    assertThat(podgateNamespaces()).isEqualTo(before);
  }

  @Test
  void aNewSessionDeletesNamespacesWhoseLeaseWentStaleAndKeepsLiveOnes() {
    String stale = "podgate-" + KubernetesBackendProvider.newSessionId();
    String live = "podgate-" + KubernetesBackendProvider.newSessionId();
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
    deadSession(stale, now.minusSeconds(60));
    deadSession(live, now);
    KubernetesPodBackend remote = null;
    try {
      remote = remote(admin);
      assertThat(remote.notices()).anySatisfy(n -> assertThat(n).contains("Lease went stale").contains(stale)
          .doesNotContain(live));
      var gone = admin.namespaces().withName(stale).get();
      assertThat(gone == null || gone.getMetadata().getDeletionTimestamp() != null).as(stale + " deleted").isTrue();
      assertThat(admin.namespaces().withName(live).get().getMetadata().getDeletionTimestamp()).as(live).isNull();
    } finally {
      if (remote != null) {
        remote.close();
      }
      admin.namespaces().withName(live).delete();
      admin.namespaces().withName(stale).delete();
    }
  }

  private static void deadSession(String ns, ZonedDateTime renewed) {
    String session = ns.substring("podgate-".length());
    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns)
        .addToLabels(PodgateLabels.SESSION, session).endMetadata().build()).create();
    admin.leases().inNamespace(ns).resource(new LeaseBuilder().withNewMetadata().withName(SessionNamespace.LEASE).endMetadata()
        .withNewSpec().withHolderIdentity("gone/1").withLeaseDurationSeconds(SessionNamespace.LEASE_SECONDS)
        .withRenewTime(renewed).endSpec().build()).create();
  }

  private static List<String> podgateNamespaces() {
    return admin.namespaces().withLabel(PodgateLabels.SESSION).list().getItems().stream()
        .map(n -> n.getMetadata().getName()).sorted().toList();
  }

  /** A kubeconfig of a user the cluster's CA vouches for and no RBAC binding names. */
  private Path kubeconfigOfNewUser(String user) throws IOException, InterruptedException {
    Path adminConfig = admin.getConfiguration().getFile().toPath();
    Path pki = adminConfig.resolveSibling("pki");
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "user.key",
        "-out", "user.csr", "-subj", "/CN=" + user);
    openssl("x509", "-req", "-in", "user.csr", "-CA", pki.resolve("ca.crt").toString(), "-CAkey",
        pki.resolve("ca.key").toString(), "-set_serial", Long.toString(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE)),
        "-out", "user.crt", "-days", "1");
    String yaml = "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: " + admin.getMasterUrl()
        + "\n    certificate-authority: " + pki.resolve("ca.crt") + "\nusers:\n- name: u\n  user:\n    client-certificate: "
        + dir.resolve("user.crt") + "\n    client-key: " + dir.resolve("user.key") + "\ncontexts:\n- name: c\n  context:\n"
        + "    cluster: c\n    user: u\ncurrent-context: c\n";
    return Files.writeString(dir.resolve("kubeconfig"), yaml, StandardCharsets.UTF_8);
  }

  private void openssl(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
  }
}
