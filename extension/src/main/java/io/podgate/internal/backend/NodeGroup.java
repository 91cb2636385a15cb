package io.podgate.internal.backend;

import io.podgate.NodeInfo;
import java.util.List;
import java.util.Map;

/** Running nodes a backend started for a test class; closing it removes them. */
public interface NodeGroup extends AutoCloseable {

  /** The nodes, in declaration order. */
  List<NodeInfo> nodes();

  /** One line per node name saying where it is (address, pod subnet, how it is reached), for reports. */
  Map<String, String> describe();

  /**
   * Creates the planned pod on {@code node}, like {@link PodBackend#create}; throws a PodSpecException
   * naming {@code origin} if the group has no such node.
   */
  PodHandle create(String node, String origin, PodPlan plan, Map<String, String> labels);

  @Override
  void close();
}
