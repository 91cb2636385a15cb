package io.podgate.kubernetes.internal.backend;

import io.podgate.NodeInfo;
import io.podgate.PodgateException;
import io.podgate.internal.backend.NodeGroup;
import io.podgate.internal.backend.NodesSpec;
import io.podgate.internal.backend.PodHandle;
import io.podgate.internal.backend.PodPlan;
import io.podgate.internal.cri.CriClient;
import io.podgate.internal.host.HostCommand;
import io.podgate.internal.image.OciArchiveImporter;
import io.podgate.internal.image.StandardImages;
import io.podgate.internal.pod.PodSpecException;
import io.podgate.internal.pod.SessionImages;
import io.podgate.internal.pod.TopologyNodes;
import io.podgate.internal.runtime.EmbeddedContainerd;
import io.podgate.internal.topology.Node;
import io.podgate.internal.topology.Topology;
import io.podgate.kubernetes.internal.cluster.LocalCluster;
import io.podgate.kubernetes.internal.cluster.LocalClusterOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code @PodgateNodes} on {@code local-cluster}: the seed's layout as on the CRI backends (a network namespace
 * per node with its own containerd, pod subnet and address on a switch, see {@link Topology}), plus a kubelet
 * per node inside its namespace, registered with the session's {@link LocalCluster} under the declared name and
 * tainted so that only pods pinned to it run there. Pods pinned to a name get that node's {@code nodeName};
 * podgate's images are imported into that node's containerd. The test JVM reaches pods by their IP (host routes
 * to each pod subnet): path {@code pod-ip}. Closing ends the kubelets (their Node objects and the pods they left
 * go with them), then the topology.
 */
final class LocalClusterNodes implements NodeGroup {
  /** Only pods pinned to these nodes run there (by nodeName, or, for an apart group, node affinity with a toleration). */
  static final String TAINT = "podgate.io/pinned-only=true:NoSchedule";
  /** How pods on these nodes are reached from the test JVM (and so how measurements run). */
  static final String PATH = "pod-ip";

  /**
   * What the backend needs of a started node: its runtime (deleted pods gone), its images, and the directory on
   * this machine that is its kubelet's {@code /var/log/pods}.
   */
  record Runtime(CriClient cri, SessionImages images, Path podLogs) {}

  private final NodesSpec spec;
  private final KubernetesPodBackend backend;
  private final LocalCluster cluster;
  private final Topology topology;
  private final Map<String, Runtime> registry;
  private final List<String> added = new ArrayList<>();

  private LocalClusterNodes(NodesSpec spec, KubernetesPodBackend backend, LocalCluster cluster, Topology topology,
      Map<String, Runtime> registry) {
    this.spec = spec;
    this.backend = backend;
    this.cluster = cluster;
    this.topology = topology;
    this.registry = registry;
  }

  /**
   * Starts the nodes of {@code spec} and their kubelets; refuses remote nodes (their kubelet would run elsewhere)
   * and names that are no DNS label before anything is created. {@code registry} gets each node's runtime while
   * the group runs, under its cluster node name.
   */
  static LocalClusterNodes start(NodesSpec spec, KubernetesPodBackend backend, LocalCluster cluster,
      StandardImages images, Map<String, Runtime> registry) {
    for (NodesSpec.Node n : spec.nodes()) {
      if (!n.endpoint().isEmpty()) {
        throw new PodSpecException(spec.origin(), "@PodgateNode(name = \"" + n.name() + "\").endpoint is not supported"
            + " on the local-cluster backend (each node's kubelet runs on this machine, in the node's network namespace);"
            + " drop endpoint, or use podgate.backend = kubernetes with a cluster that has that node");
      }
      if (!n.name().matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
        throw new PodSpecException(spec.origin(), "@PodgateNode(name = \"" + n.name() + "\") becomes a Kubernetes node"
            + " name on the local-cluster backend and must be a DNS label (lower case letters, digits, '-')");
      }
      if (registry.containsKey(n.name()) || cluster.nodeNames().contains(n.name())) {
        throw new PodSpecException(spec.origin(), "@PodgateNode(name = \"" + n.name() + "\"): the local cluster already"
            + " has a node of that name (another class's @PodgateNodes running at the same time?); rename it");
      }
    }
    String apiserver = cluster.options().apiserverAddress();
    // each node's containerd and kubelet share a /var/log of the node: a kubelet's container GC deletes the pod
    // log directories of pods it does not run, so with one /var/log/pods the kubelets delete each other's logs
    Topology topology = TopologyNodes.topology(spec).privateVarLog(true).build().start();
    LocalClusterNodes group = new LocalClusterNodes(spec, backend, cluster, topology, registry);
    try {
      for (Node n : topology.nodes()) {
        new OciArchiveImporter(n.cri().channel(), n.cri().endpoint())
            .importArchive(images.pause().archive(), StandardImages.PAUSE_REFERENCE);
        // the kubelet reaches the apiserver on the host's node address through the switch
        HostCommand.run(List.of("ip", "-n", n.netns().orElseThrow(), "route", "add", apiserver + "/32", "via",
            topology.hostAddress())).orThrow("routing node " + n.name() + " to the apiserver");
        EmbeddedContainerd daemon = n.daemon().orElseThrow();
        registry.put(n.name(), new Runtime(n.cri(), new SessionImages(n.cri(), images),
            daemon.privateVarLog().orElseThrow().resolve("pods")));
        group.added.add(n.name());
        cluster.addNode(new LocalClusterOptions.Node(n.name(), n.socket(), n.address(), n.netns(),
            Optional.of(Path.of("/proc", Long.toString(daemon.pid()), "ns", "mnt"))), List.of(TAINT));
      }
      return group;
    } catch (RuntimeException e) {
      try {
        group.close();
      } catch (RuntimeException closing) {
        e.addSuppressed(closing);
      }
      throw e instanceof PodgateException ? e
          : new PodgateException(spec.origin() + ": starting the nodes on the local cluster failed: " + e.getMessage(), e);
    }
  }

  private NodeInfo info(Node n) {
    return new NodeInfo(n.name(), n.address(), n.podSubnet().toString());
  }

  @Override
  public List<NodeInfo> nodes() {
    return topology.nodes().stream().map(this::info).toList();
  }

  @Override
  public Map<String, String> describe() {
    Map<String, String> out = new LinkedHashMap<>();
    topology.nodes().forEach(n -> out.put(n.name(), "cluster node " + n.name() + " " + n.address() + " pods "
        + n.podSubnet() + " netns " + n.netns().orElse("") + " (kubelet in the netns; path " + PATH + ")"));
    return out;
  }

  @Override
  public PodHandle create(String node, String origin, PodPlan plan, Map<String, String> labels) {
    Node n = topology.nodes().stream().filter(x -> x.name().equals(node)).findFirst().orElseThrow(() ->
        new PodSpecException(origin, "node = \"" + node + "\" is not a node of " + spec.origin() + "; declared nodes: "
            + topology.nodes().stream().map(Node::name).toList()));
    return backend.create(plan, labels, info(n), n.name());
  }

  /** Ends the kubelets (their Node objects and pods), then removes the topology; problems are thrown together. */
  @Override
  public void close() {
    List<String> problems = new ArrayList<>();
    List<String> names = new ArrayList<>(added);
    java.util.Collections.reverse(names);
    for (String name : names) {
      registry.remove(name);
      if (cluster.nodeNames().contains(name)) {
        cluster.removeNode(name).forEach(p -> problems.add("node " + name + ": " + p));
      }
    }
    try {
      topology.close();
    } catch (RuntimeException e) {
      problems.add(e.getMessage());
    }
    if (!problems.isEmpty()) {
      throw new PodgateException("closing the nodes of " + spec.origin() + " on the local cluster left problems:\n  - "
          + String.join("\n  - ", problems));
    }
  }

  /** The runtimes of started nodes, by cluster node name (shared by the backend and its node groups). */
  static Map<String, Runtime> newRegistry() {
    return new ConcurrentHashMap<>();
  }
}
