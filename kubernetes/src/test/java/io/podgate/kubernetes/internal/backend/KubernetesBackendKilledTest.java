package io.podgate.kubernetes.internal.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.podgate.internal.backend.BackendLease;
import io.podgate.internal.backend.PodBackends;
import io.podgate.internal.backend.PodHandle;
import io.podgate.internal.cri.CriClient;
import io.podgate.internal.cri.v1.ContainerFilter;
import io.podgate.internal.cri.v1.ContainerState;
import io.podgate.internal.image.StandardImages;
import io.podgate.internal.pod.PodgateSession;
import io.podgate.testsupport.ForkedJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a JVM using backend {@code kubernetes} (a cluster it did not start: this test's local cluster, reached
 * through a copy of its kubeconfig) with a running pod: within 30 s podgate's watchdog has had the session's
 * namespace deleted, no pod of it runs, the node's containerd runs no container of it, and the watchdog and the
 * session directory are gone.
 */
@Tag("containerd")
class KubernetesBackendKilledTest {
  @TempDir
  Path dir;

  @Test
  void killedJvmLeavesNoNamespaceNorContainer() throws Exception {
    try (BackendLease local = PodBackends.acquire(); PodgateSession.Lease session = PodgateSession.acquire()) {
      KubernetesPodBackend localBackend = (KubernetesPodBackend) local.backend();
      try (PodHandle seeded = localBackend.create(localBackend.plan(Specs.pod("seed", Specs.container("c", "podgate:busybox"))), Map.of())) {
        assertThat(seeded.ip()).isNotEmpty(); // the local cluster imports busybox into its node on first use
      }
      KubernetesClient admin = localBackend.client();
      admin.nodes().withName(LocalClusterBackendProvider.NODE_NAME).waitUntilCondition(
          n -> n != null && NodeImages.has(n, StandardImages.BUSYBOX_REFERENCE), 90, TimeUnit.SECONDS);
      Path kubeconfig = dir.resolve("kubeconfig");
      Files.copy(admin.getConfiguration().getFile().toPath(), kubeconfig);

      String namespace;
      List<ProcessHandle> started;
      try (ForkedJvm fork = ForkedJvm.start(List.of("-Dpodgate.backend=kubernetes",
          "-D" + KubeClients.KUBECONFIG_PROPERTY + "=" + kubeconfig), KilledKubernetesFork.class, List.of())) {
        fork.awaitLine(l -> l.equals("READY"), Duration.ofSeconds(120));
        String line = fork.output().lines().filter(l -> l.startsWith("SESSION ")).findFirst().orElseThrow();
        namespace = line.replaceFirst("^SESSION namespace=(\\S+).*", "$1");
        started = fork.process().descendants().toList();
        assertThat(started).as("the fork's watchdog").isNotEmpty();
        assertThat(runningContainers(session.session().cri(), namespace)).as("the pod's container on the node").isNotEmpty();
        fork.kill();
      }
      long killed = System.nanoTime();
      Path sessionDir = Path.of(System.getProperty(PodgateSession.WORKDIR_PROPERTY)).toAbsolutePath()
          .resolve("session-" + namespace.substring("podgate-".length()));
      await("the watchdog deleting the killed JVM's namespace").atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Namespace ns = admin.namespaces().withName(namespace).get();
            assertThat(ns == null || ns.getMetadata().getDeletionTimestamp() != null).as("namespace " + namespace + " gone or Terminating").isTrue();
            assertThat(admin.pods().inNamespace(namespace).list().getItems().stream()
                .filter(p -> !List.of("Succeeded", "Failed").contains(p.getStatus().getPhase()))
                .map(p -> p.getMetadata().getName())).as("pods running").isEmpty();
            assertThat(runningContainers(session.session().cri(), namespace)).as("containers on the node").isEmpty();
            assertThat(started.stream().filter(ProcessHandle::isAlive).map(p -> p.pid() + " " + p.info().commandLine().orElse("")))
                .as("the watchdog and its helper").isEmpty();
            assertThat(sessionDir).doesNotExist();
          });
      System.out.println("namespace " + namespace + " deleted and its containers gone "
          + Duration.ofNanos(System.nanoTime() - killed).toMillis() + " ms after the kill");
    }
  }

  @Test
  void anOrderlyEndStopsTheWatchdogAndLeavesNoSessionDirectory() throws Exception {
    try (BackendLease local = PodBackends.acquire()) {
      KubernetesClient admin = ((KubernetesPodBackend) local.backend()).client();
      Path kubeconfig = Files.copy(admin.getConfiguration().getFile().toPath(), dir.resolve("kubeconfig"));
      System.setProperty(KubeClients.KUBECONFIG_PROPERTY, kubeconfig.toString());
      Path sessionDir;
      List<ProcessHandle> watchdogs;
      try (BackendLease remote = new KubernetesBackendProvider().acquire("kubernetes")) {
        String ns = ((KubernetesPodBackend) remote.backend()).namespace();
        sessionDir = Path.of(System.getProperty(PodgateSession.WORKDIR_PROPERTY)).toAbsolutePath()
            .resolve("session-" + ns.substring("podgate-".length()));
        assertThat(sessionDir.resolve(KubeSessionGuard.FILE)).content().contains("kubeconfig=").contains("session=");
        watchdogs = ProcessHandle.current().children().filter(p -> cmdline(p).contains(sessionDir.toString())).toList();
        assertThat(watchdogs).as("the session's watchdog").hasSize(1);
      } finally {
        System.clearProperty(KubeClients.KUBECONFIG_PROPERTY);
      }
      assertThat(watchdogs.get(0).isAlive()).as("watchdog after the end").isFalse();
      assertThat(sessionDir).doesNotExist();
    }
  }

  /** The full command line (ProcessHandle.Info may cut a long one short). */
  private static String cmdline(ProcessHandle p) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline")).replace('\0', ' ');
    } catch (java.io.IOException e) {
      return "";
    }
  }

  private static List<String> runningContainers(CriClient cri, String namespace) {
    return cri.listContainers(ContainerFilter.newBuilder().putLabelSelector("io.kubernetes.pod.namespace", namespace).build())
        .stream().filter(c -> c.getState() == ContainerState.CONTAINER_RUNNING).map(c -> c.getMetadata().getName()).toList();
  }
}
