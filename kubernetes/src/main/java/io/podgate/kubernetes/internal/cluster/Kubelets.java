package io.podgate.kubernetes.internal.cluster;

import static io.podgate.kubernetes.internal.cluster.ClusterExec.freePort;

import io.fabric8.kubernetes.api.model.Node;
import io.podgate.PodgateException;
import io.podgate.internal.host.FileTrees;
import io.podgate.internal.host.HostProcesses;
import io.podgate.internal.host.HostRestore;
import io.podgate.internal.host.HostRestoreManifest;
import io.podgate.internal.host.Mounts;
import io.podgate.internal.host.NetworkNamespaces;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The local cluster's kubelets: one per node on that node's containerd (in its network namespace when it
 * has one), each with its config, kubeconfig and root dir under {@code <work dir>/nodes/<node>}; nodes added
 * while the cluster runs can be removed again.
 */
final class Kubelets {
  /** The label every kubelet-made CRI sandbox carries. */
  static final String KUBELET_SANDBOX_LABEL = "io.kubernetes.pod.uid";

  private final LocalClusterOptions options;
  private final HostRestoreManifest manifest;
  private final ClusterProcesses processes;
  private final ClusterBinaries bin;
  private final ControlPlane controlPlane;
  private final Map<String, LocalClusterOptions.Node> added = new LinkedHashMap<>();

  Kubelets(LocalClusterOptions options, HostRestoreManifest manifest, ClusterProcesses processes, ClusterBinaries bin,
      ControlPlane controlPlane) {
    this.options = options;
    this.manifest = manifest;
    this.processes = processes;
    this.bin = bin;
    this.controlPlane = controlPlane;
  }

  /** Starts the kubelet of every node of the options, then waits until each node is Ready. */
  void startAll() {
    for (LocalClusterOptions.Node node : options.nodes()) {
      start(node, List.of());
    }
    for (LocalClusterOptions.Node node : options.nodes()) {
      processes.await("kubelet-" + node.name(), "node " + node.name() + " Ready", () -> ready(node.name()));
    }
  }

  /** See {@link LocalCluster#addNode}; {@code cluster} names the cluster in errors. */
  void add(LocalClusterOptions.Node node, List<String> taints, Object cluster) {
    List<LocalClusterOptions.Node> all = new ArrayList<>(options.nodes());
    all.addAll(added.values());
    for (LocalClusterOptions.Node n : all) {
      if (n.name().equals(node.name()) || n.ip().equals(node.ip())) {
        throw new PodgateException(cluster + ": cannot add node " + node.name() + "@" + node.ip() + ": node " + n.name()
            + "@" + n.ip() + " has that name or address");
      }
    }
    if (!Files.exists(node.criSocket())) {
      throw new PodgateException(cluster + ": node " + node.name() + ": its CRI socket " + node.criSocket()
          + " does not exist; start the node's containerd first");
    }
    added.put(node.name(), node);
    try {
      controlPlane.pki().nodeCerts(node.name(), node.ip());
      start(node, taints);
      processes.await("kubelet-" + node.name(), "node " + node.name() + " Ready", () -> ready(node.name()));
    } catch (IOException | RuntimeException e) {
      PodgateException failure = e instanceof PodgateException p ? p
          : new PodgateException(cluster + ": adding node " + node.name() + " failed: " + e.getMessage(), e);
      List<String> left = remove(node.name());
      if (!left.isEmpty()) {
        failure.addSuppressed(new PodgateException("removing node " + node.name() + " again left " + left));
      }
      throw failure;
    }
  }

  /** See {@link LocalCluster#removeNode}. */
  List<String> remove(String name) {
    LocalClusterOptions.Node node = added.remove(name);
    if (node == null) {
      return List.of("no added node " + name);
    }
    List<String> problems = new ArrayList<>();
    Process kubelet = processes.remove("kubelet-" + name);
    if (kubelet != null && kubelet.isAlive() && !HostProcesses.endTree(kubelet.pid(), Duration.ofSeconds(5))) {
      problems.add("kubelet of node " + name + " (pid " + kubelet.pid() + ") did not end");
    }
    try {
      controlPlane.client().nodes().withName(name).delete();
    } catch (RuntimeException e) {
      problems.add("deleting Node " + name + ": " + e.getMessage());
    }
    problems.addAll(HostRestore.sweep(node.criSocket(), KUBELET_SANDBOX_LABEL));
    Path dir = options.workDir().resolve("nodes").resolve(name);
    problems.addAll(Mounts.unmountUnder(dir));
    if (Files.exists(dir) && !FileTrees.delete(dir)) {
      problems.add("could not delete " + dir);
    }
    return problems;
  }

  /** The node names, in the order of the options, then those added. */
  List<String> nodeNames() {
    List<String> names = new ArrayList<>(options.nodes().stream().map(LocalClusterOptions.Node::name).toList());
    names.addAll(added.keySet());
    return names;
  }

  private void start(LocalClusterOptions.Node node, List<String> taints) {
    ClusterPki pki = controlPlane.pki();
    Path dir = options.workDir().resolve("nodes").resolve(node.name());
    NodeAddresses.ensure(options, manifest, node);
    manifest.add("cri-sweep", node.criSocket().toString(), KUBELET_SANDBOX_LABEL);
    int port = freePort();
    int healthz = freePort();
    Path config = dir.resolve("kubelet.yaml");
    Path kubeconfig = dir.resolve("kubelet.kubeconfig");
    try {
      Files.createDirectories(dir.resolve("root"));
      pki.kubeconfig(kubeconfig, options.name(), controlPlane.serverUrl(), "node-" + node.name());
      Files.writeString(config, """
          apiVersion: kubelet.config.k8s.io/v1beta1
          kind: KubeletConfiguration
          address: %s
          port: %d
          readOnlyPort: 0
          healthzBindAddress: 127.0.0.1
          healthzPort: %d
          authentication:
            anonymous: {enabled: false}
            webhook: {enabled: false}
            x509: {clientCAFile: %s}
          authorization: {mode: AlwaysAllow}
          cgroupDriver: cgroupfs
          cgroupsPerQOS: false
          enforceNodeAllocatable: []
          failSwapOn: false
          makeIPTablesUtilChains: false
          protectKernelDefaults: false
          resolvConf: /etc/resolv.conf
          evictionHard: {"memory.available": "1Mi", "nodefs.available": "1%%", "imagefs.available": "1%%", "nodefs.inodesFree": "1%%"}
          imageGCHighThresholdPercent: 100
          imageGCLowThresholdPercent: 99
          serializeImagePulls: false
          nodeStatusUpdateFrequency: 1s
          tlsCertFile: %s
          tlsPrivateKeyFile: %s
          """.formatted(node.ip(), port, healthz, pki.crt("ca"), pki.crt("kubelet-" + node.name()),
          pki.key("kubelet-" + node.name())), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new PodgateException(options + ": cannot write the kubelet config of node " + node.name() + " under " + dir
          + ": " + e.getMessage(), e);
    }
    List<String> cmd = new ArrayList<>();
    if (node.netns().isPresent() || node.mountNamespace().isPresent()) {
      cmd.add("nsenter");
      node.netns().ifPresent(ns -> cmd.add("--net=" + NetworkNamespaces.path(ns)));
      node.mountNamespace().ifPresent(mnt -> cmd.add("--mount=" + mnt));
      cmd.add("--");
    }
    cmd.addAll(List.of(bin.kubelet().toString(), "--config=" + config, "--kubeconfig=" + kubeconfig,
        "--container-runtime=remote", "--container-runtime-endpoint=unix://" + node.criSocket(),
        "--root-dir=" + dir.resolve("root"), "--cert-dir=" + dir.resolve("pki"),
        "--volume-plugin-dir=" + dir.resolve("volume-plugins"), "--hostname-override=" + node.name(),
        "--node-ip=" + node.ip(), "--runtime-request-timeout=2m", "--v=2"));
    if (!taints.isEmpty()) {
      cmd.add("--register-with-taints=" + String.join(",", taints));
    }
    processes.start("kubelet-" + node.name(), cmd);
  }

  private boolean ready(String nodeName) {
    try {
      Node n = controlPlane.client().nodes().withName(nodeName).get();
      return n != null && n.getStatus() != null && n.getStatus().getConditions().stream()
          .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    } catch (RuntimeException notYet) {
      return false;
    }
  }
}
