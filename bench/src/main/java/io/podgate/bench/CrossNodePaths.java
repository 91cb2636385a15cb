package io.podgate.bench;

import io.podgate.PodgateException;
import io.podgate.internal.measure.iperf.ContainerCommandRunner;
import io.podgate.internal.measure.iperf.NetnsCommandRunner;
import io.podgate.internal.measure.iperf.ThroughputPath;
import io.podgate.internal.topology.Node;
import io.podgate.internal.topology.NodePod;

/** iperf3 paths across the nodes of a topology: node to node, and pod to pod. */
public final class CrossNodePaths {
  private CrossNodePaths() {}

  /** Server in {@code server}'s namespace on its node address, client in {@code client}'s namespace. */
  public static ThroughputPath nodeToNode(Node client, Node server) {
    return ThroughputPath.between("node " + client.name() + "->" + server.name(), runner(server),
        server.address(), runner(client));
  }

  /** Server in pod {@code server}, client in pod {@code client}, both through CRI exec. */
  public static ThroughputPath podToPod(NodePod client, NodePod server) {
    return ThroughputPath.between("pod " + client.node().name() + "->" + server.node().name(),
        execRunner(server), server.ip(), execRunner(client));
  }

  private static ContainerCommandRunner execRunner(NodePod pod) {
    return new ContainerCommandRunner(pod.node().cri(), pod.containerId(),
        "pod " + pod.name() + " on node " + pod.node().name());
  }

  public static NetnsCommandRunner runner(Node node) {
    return new NetnsCommandRunner(node.netns().orElseThrow(() -> new PodgateException(
        "node-to-node runs iperf3 in the node's own namespace; " + node + " is remote, run that end on its machine")));
  }
}
