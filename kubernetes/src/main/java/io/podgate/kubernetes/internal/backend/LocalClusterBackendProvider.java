package io.podgate.kubernetes.internal.backend;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.podgate.PodgateException;
import io.podgate.internal.backend.BackendLease;
import io.podgate.internal.backend.PodBackend;
import io.podgate.internal.backend.PodBackendProvider;
import io.podgate.internal.cri.CriClient;
import io.podgate.internal.cri.v1.PodSandboxFilter;
import io.podgate.internal.cri.v1.PodSandboxState;
import io.podgate.internal.cri.v1.PodSandboxStateValue;
import io.podgate.internal.pod.PodgateSession;
import io.podgate.internal.pod.SessionImages;
import io.podgate.internal.runtime.CriEndpoint;
import io.podgate.internal.runtime.EmbeddedContainerd;
import io.podgate.kubernetes.internal.cluster.LocalCluster;
import io.podgate.kubernetes.internal.cluster.LocalClusterOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Backend {@code local-cluster}: podgate's embedded containerd (its {@link PodgateSession}, with its images
 * and watchdog), a {@link LocalCluster} with one node whose kubelet runs on that containerd, and a
 * {@link KubernetesPodBackend} on the cluster's admin kubeconfig. Images are imported into the node's
 * containerd as on the embedded backend, so pods use {@code imagePullPolicy: Never}. {@code @PodgateNodes} add
 * netns nodes with their own kubelets to that cluster ({@link LocalClusterNodes}). One per JVM, shared
 * by leases (the kubelet's fixed host paths allow one cluster per host); closing the last lease closes the
 * backend, the cluster and the session, in that order. Registered in META-INF/services.
 */
public final class LocalClusterBackendProvider implements PodBackendProvider {
  /** The node's address (a non-loopback IPv4 the cluster adds on a port-less bridge when no interface has it). */
  public static final String NODE_IP_PROPERTY = "podgate.localCluster.nodeIp";
  static final String DEFAULT_NODE_IP = "198.19.254.1";
  static final String NODE_NAME = "podgate-node";
  private static final Duration NODE_GONE_TIMEOUT = Duration.ofSeconds(30);

  private static Running current;

  @Override
  public Set<String> names() {
    return Set.of("local-cluster");
  }

  @Override
  public BackendLease acquire(String name) {
    synchronized (LocalClusterBackendProvider.class) {
      if (current != null && !current.backend.healthy()) {
        current = null;
      }
      if (current == null) {
        current = Running.start();
      }
      Running running = current;
      running.leases++;
      return new BackendLease() {
        private boolean closed;

        @Override
        public PodBackend backend() {
          return running.backend;
        }

        @Override
        public void close() {
          synchronized (LocalClusterBackendProvider.class) {
            if (closed) {
              return;
            }
            closed = true;
            if (--running.leases == 0) {
              if (current == running) {
                current = null;
              }
              running.close();
            }
          }
        }
      };
    }
  }

  /** The session, cluster, client and backend of one local cluster. */
  private static final class Running {
    private final PodgateSession.Lease session;
    private final LocalCluster cluster;
    private final KubernetesClient client;
    private final KubernetesPodBackend backend;
    private int leases;

    private Running(PodgateSession.Lease session, LocalCluster cluster, KubernetesClient client,
        KubernetesPodBackend backend) {
      this.session = session;
      this.cluster = cluster;
      this.client = client;
      this.backend = backend;
    }

    static Running start() {
      if (CriEndpoint.configured().isPresent()) {
        throw new PodgateException("podgate.backend = local-cluster runs its kubelet on podgate's embedded containerd,"
            + " but a CRI endpoint is set (" + CriEndpoint.PROPERTY + " or " + CriEndpoint.ENV + "); unset it");
      }
      String nodeIp = System.getProperty(NODE_IP_PROPERTY, DEFAULT_NODE_IP).strip();
      PodgateSession.Lease lease = PodgateSession.acquire();
      LocalCluster cluster = null;
      KubernetesClient client = null;
      try {
        PodgateSession session = lease.session();
        EmbeddedContainerd containerd = session.embedded().orElseThrow(() -> new PodgateException(
            "podgate.backend = local-cluster needs podgate's embedded containerd, but the session runs on " + session.runtime()));
        // the apiserver listens on the node address, which @PodgateNodes' kubelets reach from their namespaces
        cluster = LocalCluster.start(LocalClusterOptions.builder().name("podgate").workDir(session.dir().resolve("k8s"))
            .apiserverAddress(nodeIp).node(new LocalClusterOptions.Node(NODE_NAME, containerd.socket(), nodeIp)).build());
        client = KubeClients.open(new KubeClients.Source(cluster.adminKubeconfig(), "the local cluster"), Optional.empty());
        CriClient cri = session.cri();
        SessionImages images = new SessionImages(cri, session.images());
        Map<String, LocalClusterNodes.Runtime> nodes = LocalClusterNodes.newRegistry();
        LocalCluster started = cluster;
        KubernetesPodBackend backend = new KubernetesPodBackend(client, session.id(),
            "local-cluster Kubernetes " + cluster.version() + " at " + cluster.serverUrl() + ", node " + NODE_NAME + " ("
                + nodeIp + ", " + NODE_IP_PROPERTY + ") on " + session.runtime(),
            (declared, origin, node) -> new ImageSource.Resolved(node.map(nodes::get)
                .map(LocalClusterNodes.Runtime::images).orElse(images).resolve(declared, origin), "Never"),
            // No raw CRI access: the kubelet stops sandboxes on its runtime that no pod of its own owns, so
            // churn through CRI on the node's containerd fails half-way (seen: 21 of 49 cycles).
            true, true, uid -> awaitGone(cri, nodes, uid), Map.of(),
            (spec, b) -> LocalClusterNodes.start(spec, b, started, session.images(), nodes),
            node -> Optional.ofNullable(node).map(nodes::get).map(LocalClusterNodes.Runtime::podLogs).orElse(KubePod.POD_LOGS));
        return new Running(lease, cluster, client, backend);
      } catch (RuntimeException e) {
        for (AutoCloseable c : new AutoCloseable[] {client, cluster, lease}) {
          try {
            if (c != null) {
              c.close();
            }
          } catch (Exception closing) {
            e.addSuppressed(closing);
          }
        }
        throw e;
      }
    }

    void close() {
      List<Exception> problems = new ArrayList<>();
      for (AutoCloseable c : new AutoCloseable[] {backend::close, client, cluster, session}) {
        try {
          c.close();
        } catch (Exception e) {
          problems.add(e);
        }
      }
      if (!problems.isEmpty()) {
        PodgateException e = new PodgateException("closing the local cluster failed: " + problems.get(0).getMessage());
        problems.forEach(e::addSuppressed);
        throw e;
      }
    }
  }

  /** As below, on the session node's containerd and each started {@code @PodgateNodes} node's; null when none runs. */
  static String awaitGone(CriClient cri, Map<String, LocalClusterNodes.Runtime> nodes, String uid) {
    List<String> problems = new ArrayList<>();
    List<CriClient> all = new ArrayList<>(List.of(cri));
    nodes.values().forEach(r -> all.add(r.cri()));
    for (CriClient c : all) {
      String p = awaitGone(c, uid);
      if (p != null) {
        problems.add(p);
      }
    }
    return problems.isEmpty() ? null : String.join("; ", problems);
  }

  /**
   * Waits until the node's containerd has no running sandbox of pod {@code uid} (the kubelet labels them so; it
   * stops them at once and removes them at its next garbage collection); null when none runs.
   */
  static String awaitGone(CriClient cri, String uid) {
    long deadline = System.nanoTime() + NODE_GONE_TIMEOUT.toNanos();
    PodSandboxFilter filter = PodSandboxFilter.newBuilder().putLabelSelector("io.kubernetes.pod.uid", uid)
        .setState(PodSandboxStateValue.newBuilder().setState(PodSandboxState.SANDBOX_READY)).build();
    while (true) {
      int left;
      try {
        left = cri.listPodSandbox(filter).size();
      } catch (RuntimeException e) {
        return "checking the node's containerd for pod " + uid + ": " + e.getMessage();
      }
      if (left == 0) {
        return null;
      }
      if (System.nanoTime() - deadline > 0) {
        return left + " sandbox(es) of pod " + uid + " still run on the node's containerd " + NODE_GONE_TIMEOUT.toSeconds()
            + " s after the API object went";
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted while waiting for pod " + uid + " to leave the node's containerd";
      }
    }
  }
}
