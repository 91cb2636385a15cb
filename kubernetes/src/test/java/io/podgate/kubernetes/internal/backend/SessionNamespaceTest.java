package io.podgate.kubernetes.internal.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/** The Lease bookkeeping against fabric8's CRUD mock server (the real cluster tests cover the rest). */
@EnableKubernetesMockClient(crud = true)
class SessionNamespaceTest {
  KubernetesClient client;

  @Test
  void theNamespaceIsMadeOnceWithItsLeaseAndDeletedOnClose() {
    SessionNamespace ns = new SessionNamespace(client, "abc123");
    // what the controller-manager makes in every new namespace
    client.serviceAccounts().inNamespace("podgate-abc123").resource(new io.fabric8.kubernetes.api.model.ServiceAccountBuilder()
        .withNewMetadata().withName("default").endMetadata().build()).create();
    assertThat(client.namespaces().withName("podgate-abc123").get()).isNull();

    assertThat(ns.ensure()).isEqualTo("podgate-abc123");
    assertThat(ns.ensure()).isEqualTo("podgate-abc123");
    var lease = client.leases().inNamespace("podgate-abc123").withName(SessionNamespace.LEASE).get();
    assertThat(lease.getSpec().getHolderIdentity()).endsWith("/" + ProcessHandle.current().pid());
    assertThat(client.namespaces().withName("podgate-abc123").get().getMetadata().getLabels())
        .containsEntry("io.podgate.session", "abc123");

    ns.close();
    assertThat(client.namespaces().withName("podgate-abc123").get()).isNull();
  }

  @Test
  void onlyNamespacesWhoseLeaseWentStaleAreSwept() {
    Instant now = Instant.parse("2026-12-01T03:00:00Z");
    namespace("fresh", now.minusSeconds(5));
    namespace("stale", now.minusSeconds(31));
    namespace("mine", now.minusSeconds(3600));
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("other").endMetadata().build()).create();

    assertThat(SessionNamespace.sweepStale(client, "mine", now)).containsExactly("podgate-stale");
    assertThat(client.namespaces().list().getItems()).extracting(n -> n.getMetadata().getName())
        .containsExactlyInAnyOrder("podgate-fresh", "podgate-mine", "other");
  }

  private void namespace(String session, Instant renewed) {
    String name = "podgate-" + session;
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
        .addToLabels("io.podgate.session", session).endMetadata().build()).create();
    client.leases().inNamespace(name).resource(new LeaseBuilder().withNewMetadata().withName(SessionNamespace.LEASE)
        .endMetadata().withNewSpec().withLeaseDurationSeconds(SessionNamespace.LEASE_SECONDS)
        .withRenewTime(ZonedDateTime.ofInstant(renewed, ZoneOffset.UTC)).endSpec().build()).create();
  }
}
