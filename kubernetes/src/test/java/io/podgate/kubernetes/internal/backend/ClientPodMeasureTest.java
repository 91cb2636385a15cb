package io.podgate.kubernetes.internal.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.podgate.CriContainer;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import io.podgate.Wait;
import io.podgate.internal.backend.BackendLease;
import io.podgate.internal.backend.PodBackends;
import io.podgate.internal.image.StandardImages;
import io.podgate.internal.measure.api.MeasureRoutes;
import io.podgate.measure.HttpLoadResult;
import io.podgate.measure.Measure;
import io.podgate.measure.Throughput;
import io.podgate.measure.ThroughputResult;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Measurements through a client pod on the real local cluster (the module's surefire sets podgate.backend =
 * local-cluster). The JVM reaches pod IPs here, so {@code podgate.measure.via=client-pod} forces the path a remote
 * cluster takes; {@code direct} and {@code auto} stay in the JVM. Every result names its path.
 */
@Tag("containerd")
@Podgate
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClientPodMeasureTest {
  @PodSandbox(name = "iperf")
  @CriContainer(name = "iperf", image = "podgate:debug")
  static io.podgate.Pod server;

  @PodSandbox(name = "web")
  @CriContainer(name = "nginx", image = "podgate:nginx", waitFor = @Wait(httpPath = "/", httpPort = 80))
  static io.podgate.Pod web;

  @Test
  @Order(1)
  void clientPodPathMeasuresFromAHostNetworkPodOnTheTargetsNodeAndSaysSo(Measure measure) {
    String before = System.setProperty(MeasureRoutes.PROPERTY, "client-pod");
    try {
      ThroughputResult t = measure.throughput(Throughput.hostTo(server.container("iperf"))).durationSeconds(2).run();
      assertThat(t.receiverBitsPerSecond()).as(t.summary()).isPositive();
      assertThat(t.label()).isEqualTo("host->iperf");
      assertThat(t.via()).startsWith("client pod podgate-").endsWith(" on node " + LocalClusterBackendProvider.NODE_NAME
          + ", hostNetwork");
      assertThat(t.summary()).endsWith("via " + t.via());
      assertThat(t.server().host()).isEqualTo(server.ip());

      List<Pod> clients = clientPods();
      assertThat(clients).hasSize(1);
      Pod client = clients.get(0);
      assertThat(client.getSpec().getHostNetwork()).isTrue();
      assertThat(client.getSpec().getContainers().get(0).getImage()).isEqualTo(StandardImages.CLIENT_REFERENCE);
      assertThat(t.via()).contains("/" + client.getMetadata().getName() + " ");
      assertThat(client.getStatus().getPodIP()).as("hostNetwork: the pod has its node's address")
          .isEqualTo(client.getStatus().getHostIP());

      HttpLoadResult h = measure.http("http://" + web.ip() + "/").connections(4).seconds(2).run();
      assertThat(h.via()).as("the same client pod, reused").isEqualTo("wrk in " + t.via());
      assertThat(h.totalRequests()).as(h.toString()).isPositive();
      assertThat(h.errors()).as(h.toString()).isZero();
      assertThat(h.non2xx()).isZero();
      assertThat(h.averageRequestsPerSecond()).isPositive();
      assertThat(h.totalBytes()).as("headers and body of every response")
          .isGreaterThan(h.totalRequests() * StandardImages.NGINX_INDEX_BODY.length());
      assertThat(h.latency().p50()).isPositive().isLessThanOrEqualTo(h.latency().p99());
      assertThat(h.latency().p99()).isLessThanOrEqualTo(h.latency().max());
      assertThat(h.duration().toMillis()).isGreaterThanOrEqualTo(1900);
      assertThat(h.requestsPerSecondSeries()).as("wrk gives no per-second samples").isEmpty();
      assertThat(h.toString()).contains("via wrk in client pod");
      assertThat(clientPods()).hasSize(1);
    } finally {
      restore(before);
    }
  }

  @Test
  @Order(2)
  void theClientPodWentWithItsTestAndDirectOrAutoRunFromTheJvm(Measure measure) {
    assertThat(clientPods()).as("the client pod of the previous test").isEmpty();
    for (String via : new String[] {"direct", "auto"}) {
      String before = System.setProperty(MeasureRoutes.PROPERTY, via);
      try {
        ThroughputResult t = measure.throughput(Throughput.hostTo(server.container("iperf"))).durationSeconds(1).run();
        assertThat(t.receiverBitsPerSecond()).as(t.summary()).isPositive();
        assertThat(t.via()).as(via).isEqualTo(ThroughputResult.DIRECT);
        HttpLoadResult h = measure.http("http://" + web.ip() + "/").connections(2).seconds(1).run();
        assertThat(h.via()).as(via).isEqualTo(HttpLoadResult.DIRECT);
        assertThat(h.totalRequests()).isPositive();
        assertThat(h.requestsPerSecondSeries()).isNotEmpty();
      } finally {
        restore(before);
      }
    }
    assertThat(clientPods()).isEmpty();
  }

  private static List<Pod> clientPods() {
    try (BackendLease lease = PodBackends.acquire()) {
      KubernetesPodBackend backend = (KubernetesPodBackend) lease.backend();
      return backend.client().pods().inNamespace(backend.namespace())
          .withLabel(MeasureClientPods.ROLE_LABEL, MeasureClientPods.ROLE).list().getItems();
    }
  }

  private static void restore(String before) {
    if (before == null) {
      System.clearProperty(MeasureRoutes.PROPERTY);
    } else {
      System.setProperty(MeasureRoutes.PROPERTY, before);
    }
  }
}
