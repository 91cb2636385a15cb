package io.podgate.kubernetes.internal.backend;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.podgate.NodeInfo;
import io.podgate.internal.backend.NodeGroup;
import io.podgate.internal.backend.NodesSpec;
import io.podgate.internal.backend.PodHandle;
import io.podgate.internal.backend.PodPlan;
import io.podgate.internal.pod.PodSpecException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * {@code @PodgateNodes} on a cluster: each declared name stands for a cluster node, named by
 * {@code podgate.kubernetes.node.<name>} or else picked among the Ready, schedulable, untainted nodes
 * (each node once). Pods pinned to a name get the node's {@code nodeName} (pods of an {@code apart} group: node
 * affinity, see {@link ApartPlacement}). Nothing is created or removed:
 * the nodes are the cluster's.
 */
final class KubeNodes implements NodeGroup {
  private final NodesSpec spec;
  private final KubernetesPodBackend backend;
  private final Map<String, Node> bound;

  private KubeNodes(NodesSpec spec, KubernetesPodBackend backend, Map<String, Node> bound) {
    this.spec = spec;
    this.backend = backend;
    this.bound = bound;
  }

  static KubeNodes bind(NodesSpec spec, KubernetesPodBackend backend, UnaryOperator<String> properties) {
    List<Node> all;
    try {
      all = backend.client().nodes().list().getItems();
    } catch (RuntimeException e) {
      throw KubeClients.failure(spec.origin() + ": listing the cluster's nodes", e);
    }
    return new KubeNodes(spec, backend, bind(spec, all, properties));
  }

  /** Declared name to cluster node; fails before anything is created when a name is unknown or nodes are too few. */
  static Map<String, Node> bind(NodesSpec spec, List<Node> all, UnaryOperator<String> properties) {
    Map<String, Node> byName = new LinkedHashMap<>();
    all.forEach(n -> byName.put(n.getMetadata().getName(), n));
    Map<String, Node> out = new LinkedHashMap<>();
    List<String> taken = new ArrayList<>();
    for (NodesSpec.Node n : spec.nodes()) {
      if (!n.endpoint().isEmpty()) {
        throw new PodSpecException(spec.origin(), "@PodgateNode(name = \"" + n.name() + "\").endpoint is not supported on the"
            + " kubernetes backend (its nodes are the cluster's; map the name with " + KubernetesPodBackend.NODE_PROPERTY_PREFIX
            + n.name() + " = <node name>)");
      }
      String wanted = properties.apply(KubernetesPodBackend.NODE_PROPERTY_PREFIX + n.name());
      if (wanted != null && !wanted.isBlank()) {
        Node node = byName.get(wanted.strip());
        if (node == null) {
          throw new PodSpecException(spec.origin(), "node \"" + n.name() + "\" is mapped to cluster node \"" + wanted.strip()
              + "\" (system property " + KubernetesPodBackend.NODE_PROPERTY_PREFIX + n.name() + "), which the cluster"
              + " does not have; its nodes: " + byName.keySet());
        }
        if (!ready(node)) {
          throw new PodSpecException(spec.origin(), "node \"" + n.name() + "\" is mapped to cluster node \"" + wanted.strip()
              + "\", which is not Ready");
        }
        out.put(n.name(), node);
        taken.add(node.getMetadata().getName());
      }
    }
    List<Node> free = all.stream().filter(KubeNodes::usable).filter(x -> !taken.contains(x.getMetadata().getName())).toList();
    List<String> unbound = spec.nodes().stream().map(NodesSpec.Node::name).filter(x -> !out.containsKey(x)).toList();
    if (unbound.size() > free.size()) {
      throw new PodSpecException(spec.origin(), "declares " + spec.nodes().size() + " nodes, but the cluster has "
          + (free.size() + taken.size()) + " usable (Ready, schedulable, untainted): " + all.stream()
              .map(x -> x.getMetadata().getName() + (usable(x) ? "" : " (not usable)")).toList()
          + "; add nodes, or map names with " + KubernetesPodBackend.NODE_PROPERTY_PREFIX + "<name> = <node>");
    }
    for (int i = 0; i < unbound.size(); i++) {
      out.put(unbound.get(i), free.get(i));
    }
    Map<String, Node> ordered = new LinkedHashMap<>();
    spec.nodes().forEach(n -> ordered.put(n.name(), out.get(n.name())));
    return ordered;
  }

  static boolean ready(Node n) {
    return n.getStatus() != null && n.getStatus().getConditions() != null && n.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  static boolean usable(Node n) {
    return ready(n) && (n.getSpec() == null || !Boolean.TRUE.equals(n.getSpec().getUnschedulable()))
        && (n.getSpec() == null || n.getSpec().getTaints() == null || n.getSpec().getTaints().isEmpty());
  }

  private NodeInfo info(String name) {
    Node n = bound.get(name);
    String address = n.getStatus() == null || n.getStatus().getAddresses() == null ? "" : n.getStatus().getAddresses()
        .stream().filter(a -> "InternalIP".equals(a.getType())).map(NodeAddress::getAddress).findFirst().orElse("");
    String cidr = n.getSpec() == null || n.getSpec().getPodCIDR() == null ? "unknown" : n.getSpec().getPodCIDR();
    return new NodeInfo(name, address, cidr);
  }

  @Override
  public List<NodeInfo> nodes() {
    return bound.keySet().stream().map(this::info).toList();
  }

  @Override
  public Map<String, String> describe() {
    Map<String, String> out = new LinkedHashMap<>();
    bound.forEach((name, n) -> out.put(name, "cluster node " + n.getMetadata().getName() + " " + info(name).address()
        + " pods " + info(name).podSubnet()));
    return out;
  }

  @Override
  public PodHandle create(String node, String origin, PodPlan plan, Map<String, String> labels) {
    Node n = bound.get(node);
    if (n == null) {
      throw new PodSpecException(origin, "node = \"" + node + "\" is not a node of " + spec.origin()
          + "; declared nodes: " + new ArrayList<>(bound.keySet()));
    }
    return backend.create(plan, labels, info(node), n.getMetadata().getName());
  }

  @Override
  public void close() {
    // the nodes are the cluster's; the pods on them are closed by their own scopes
  }
}
