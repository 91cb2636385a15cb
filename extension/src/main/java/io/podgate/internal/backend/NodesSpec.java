package io.podgate.internal.backend;

import java.util.List;

/**
 * Nodes to start for a test class, read from {@code @PodgateNodes}. Empty strings mean "the default".
 *
 * @param origin where they were declared, for messages, e.g. "@PodgateNodes on MyTest"
 * @param owner a short name for threads and directories (the declaring class's simple name)
 */
public record NodesSpec(String origin, String owner, String switchBridge, String switchSubnet, String netnsPrefix,
    String linkPrefix, List<Node> nodes) {

  public NodesSpec {
    nodes = List.copyOf(nodes);
  }

  /** One node; {@code endpoint} non-empty means a remote node reached at {@code address}. */
  public record Node(String name, String podSubnet, String address, String endpoint) {}
}
