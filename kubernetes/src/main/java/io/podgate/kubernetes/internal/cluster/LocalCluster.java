package io.podgate.kubernetes.internal.cluster;

import io.podgate.PodgateException;
import io.podgate.internal.host.FileTrees;
import io.podgate.internal.host.HostRestoreManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A Kubernetes v1.20 cluster on this host: etcd, kube-apiserver, kube-controller-manager and
 * kube-scheduler on free ports of 127.0.0.1 (the apiserver on {@link LocalClusterOptions#apiserverAddress()}),
 * and one kubelet per {@link LocalClusterOptions.Node} on that node's containerd, in the node's network
 * namespace when it has one; {@link #addNode} and {@link #removeNode} add and remove kubelets while it runs.
 * Certificates and kubeconfigs are made per run under the work dir.
 *
 * <p>Everything started and every host change (the kubelet's sysctls and fixed paths, its bind
 * mounts, the node links podgate adds, the pods the kubelets left on the node containerds) is
 * recorded in a {@link HostRestoreManifest} in the work dir before it happens; {@link #close()}
 * undoes it, and so does the session watchdog when the JVM is killed. Kubelets use fixed host paths,
 * so a host-wide lock ({@value #HOST_LOCK}) is held while they run: a second cluster on the host waits.
 */
public final class LocalCluster implements AutoCloseable {
  public static final String HOST_LOCK = "/run/lock/podgate-kubelet.lock";

  private final LocalClusterOptions options;
  private final HostRestoreManifest manifest;
  private final ClusterProcesses processes;
  private final ClusterHostLock hostLock;
  private final ControlPlane controlPlane;
  private Kubelets kubelets;
  private boolean closed;

  private LocalCluster(LocalClusterOptions options, HostRestoreManifest manifest) {
    this.options = options;
    this.manifest = manifest;
    this.processes = new ClusterProcesses(options, manifest);
    this.hostLock = new ClusterHostLock(options, manifest);
    this.controlPlane = new ControlPlane(options, manifest, processes);
  }

  /**
   * Starts the cluster and waits until every node is Ready.
   *
   * @throws PodgateException when binaries are missing (naming ci/k8s-binaries), the work dir is in use,
   *     or a component fails or is not ready in time (quoting its log); nothing is left behind then
   */
  public static LocalCluster start(LocalClusterOptions options) {
    ClusterBinaries bin = ClusterBinaries.find();
    for (LocalClusterOptions.Node n : options.nodes()) {
      if (!Files.exists(n.criSocket())) {
        throw new PodgateException(options + ": node " + n.name() + ": its CRI socket " + n.criSocket()
            + " does not exist; start the node's containerd first");
      }
    }
    Path work = options.workDir();
    try {
      if (Files.exists(work)) {
        try (Stream<Path> s = Files.list(work)) {
          if (s.findAny().isPresent()) {
            throw new PodgateException(options + ": the work dir " + work + " is not empty; give a fresh one per run");
          }
        }
      }
      Files.createDirectories(work.resolve("logs"));
    } catch (IOException e) {
      throw new PodgateException(options + ": cannot create the work dir " + work + ": " + e.getMessage(), e);
    }
    HostRestoreManifest manifest = HostRestoreManifest.create(work);
    manifest.add("dir", work.toString());
    manifest.add("unmount-under", work.toString());
    LocalCluster cluster = new LocalCluster(options, manifest);
    try {
      cluster.run(bin);
      return cluster;
    } catch (RuntimeException e) {
      try {
        cluster.close();
      } catch (RuntimeException closing) {
        e.addSuppressed(closing);
      }
      throw e instanceof PodgateException ? e : new PodgateException(options + " did not start: " + e.getMessage(), e);
    }
  }

  private void run(ClusterBinaries bin) {
    controlPlane.start(bin);
    hostLock.acquire();
    kubelets = new Kubelets(options, manifest, processes, bin, controlPlane);
    kubelets.startAll();
  }

  /**
   * Starts a kubelet for {@code node} on the running cluster and waits until the node is Ready. The node
   * registers with {@code taints} (e.g. {@code key=value:NoSchedule}, so that only pods pinned by nodeName land
   * there). Its kubelet is recorded like the others (ended by {@link #close()} and by the watchdog); {@link
   * #removeNode} ends it earlier. A node in a network namespace must reach {@link LocalClusterOptions#apiserverAddress()}.
   *
   * @throws PodgateException when the name or IP is taken, its CRI socket is absent, or it is not Ready in
   *     time (quoting the kubelet's log); the node is removed again then
   */
  public synchronized void addNode(LocalClusterOptions.Node node, List<String> taints) {
    if (closed || controlPlane.client() == null || kubelets == null) {
      throw new PodgateException(this + ": cannot add node " + node.name() + " to a cluster that is not running");
    }
    kubelets.add(node, taints, this);
  }

  /**
   * Ends the kubelet of a node {@link #addNode added} earlier, deletes its Node object, removes the pod
   * sandboxes its kubelet left on the node's containerd, and deletes its directory; returns what could not be done.
   */
  public synchronized List<String> removeNode(String name) {
    if (kubelets == null) {
      return List.of("no added node " + name);
    }
    return kubelets.remove(name);
  }

  /** The last {@code lines} lines of a component's log (etcd, kube-apiserver, kubelet-&lt;node&gt;, ...). */
  public String logTail(String component, int lines) {
    return processes.logTail(component, lines);
  }

  /** The admin (system:masters) kubeconfig of this run. */
  public Path adminKubeconfig() {
    return controlPlane.adminKubeconfig();
  }

  /** The apiserver's URL, {@code https://<apiserverAddress, default 127.0.0.1>:<port>}. */
  public String serverUrl() {
    return controlPlane.serverUrl();
  }

  /** The node names, in the order of the options. */
  public synchronized List<String> nodeNames() {
    if (kubelets == null) {
      return options.nodes().stream().map(LocalClusterOptions.Node::name).toList();
    }
    return kubelets.nodeNames();
  }

  /** The apiserver's git version, e.g. {@code v1.20.2}. */
  public String version() {
    return controlPlane.version();
  }

  public LocalClusterOptions options() {
    return options;
  }

  /** PIDs of the cluster's processes by component name (etcd, kube-apiserver, ..., kubelet-&lt;node&gt;). */
  public Map<String, Long> pids() {
    return processes.pids();
  }

  /**
   * How long each readiness took from its process's start, e.g. "node pg-node-a Ready" (from the
   * kubelet's start), "kube-apiserver /readyz on ..." (from the apiserver's start).
   */
  public Map<String, Duration> startupTimes() {
    return processes.startupTimes();
  }

  /** The manifest the watchdog acts on if this JVM dies. */
  public Path restoreManifest() {
    return manifest.file();
  }

  /**
   * Stops the kubelets, removes the pods they left on the node containerds, stops the control plane
   * and etcd, unmounts, restores the sysctls and removes the host paths the kubelets created, the
   * node links podgate added and the work dir; then releases the host lock.
   *
   * @throws PodgateException listing what could not be undone
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (controlPlane.client() != null) {
      controlPlane.client().close();
    }
    List<String> problems = hostLock.restore();
    if (Files.exists(options.workDir())) {
      FileTrees.delete(options.workDir());
    }
    if (!problems.isEmpty()) {
      throw new PodgateException(options + ": closing left " + problems);
    }
  }

  @Override
  public String toString() {
    return options + (controlPlane.serverUrl() == null ? "" : " at " + controlPlane.serverUrl());
  }
}
