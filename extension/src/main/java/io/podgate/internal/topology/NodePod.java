package io.podgate.internal.topology;

import io.podgate.PodgateException;
import io.podgate.ExecResult;
import io.podgate.internal.cri.KubeletDefaults;
import io.podgate.internal.cri.v1.ContainerConfig;
import io.podgate.internal.cri.v1.ContainerMetadata;
import io.podgate.internal.cri.v1.ImageSpec;
import io.podgate.internal.cri.v1.PodSandboxConfig;
import io.podgate.internal.cri.v1.PodSandboxMetadata;
import io.podgate.internal.host.HostCommand;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/** A pod with one container on a {@link Node}, started through CRI. */
public final class NodePod implements AutoCloseable {
  public static final String TOPOLOGY_LABEL = "io.podgate.topology.node";

  private final Node node;
  private final String name;
  private final String id;
  private final String containerId;
  private final String ip;
  private volatile boolean closed;

  private NodePod(Node node, String name, String id, String containerId, String ip) {
    this.node = node;
    this.name = name;
    this.id = id;
    this.containerId = containerId;
    this.ip = ip;
  }

  static NodePod run(Node node, String name, String image, List<String> command) {
    PodSandboxConfig config = PodSandboxConfig.newBuilder()
        .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace("podgate")
            .setUid(UUID.randomUUID().toString()))
        .setHostname(name)
        .putLabels(TOPOLOGY_LABEL, node.name())
        .build();
    String id = node.cri().runPodSandbox(config);
    try {
      String containerId = node.cri().createContainer(id, ContainerConfig.newBuilder()
          .setMetadata(ContainerMetadata.newBuilder().setName(name))
          .setImage(ImageSpec.newBuilder().setImage(image))
          .addAllCommand(command)
          .setLinux(KubeletDefaults.ownPidNamespace())
          .build(), config);
      node.cri().startContainer(containerId);
      String ip = node.cri().podSandboxStatus(id).getStatus().getNetwork().getIp();
      if (!node.podSubnet().contains(ip)) {
        throw new PodgateException("pod '" + name + "' on " + node + " got IP " + ip + ", outside the node's pod subnet "
            + node.podSubnet() + "; the runtime's CNI config does not match the subnet declared for this node");
      }
      return new NodePod(node, name, id, containerId, ip);
    } catch (RuntimeException e) {
      try {
        node.cri().stopPodSandbox(id);
        node.cri().removePodSandbox(id);
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  public Node node() {
    return node;
  }

  public String name() {
    return name;
  }

  public String id() {
    return id;
  }

  public String containerId() {
    return containerId;
  }

  public String ip() {
    return ip;
  }

  /** Runs {@code command} in the container through CRI ExecSync. */
  public ExecResult exec(List<String> command, Duration timeout) {
    return node.cri().execSync(containerId, command, timeout);
  }

  /**
   * The pod's veth on the node's pod bridge, inside the node's namespace (found by the ifindex the
   * pod's eth0 names as its peer).
   */
  public String nodeSideVeth() {
    node.requireLocal("finding pod " + name + "'s veth");
    ExecResult r = exec(List.of("cat", "/sys/class/net/eth0/iflink"), Duration.ofSeconds(10));
    if (!r.succeeded() || r.stdout().isBlank()) {
      throw new PodgateException("cannot read the peer index of eth0 in pod " + name + " on " + node + ": exit "
          + r.exitCode() + " " + r.stderr().strip());
    }
    String index = r.stdout().strip();
    String links = HostCommand.run(List.of("ip", "-n", node.netns().orElseThrow(), "-o", "link", "show"))
        .orThrow("listing links of " + node).output();
    for (String line : links.split("\n")) {
      String[] f = line.split(":\\s+", 3);
      if (f.length >= 2 && f[0].strip().equals(index)) {
        return f[1].replaceFirst("@.*$", "");
      }
    }
    throw new PodgateException("no link with index " + index + " (peer of pod " + name + "'s eth0) in netns "
        + node.netns().orElseThrow() + ":\n" + links);
  }

  boolean closed() {
    return closed;
  }

  /** Stops and removes the pod; safe to call twice. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    node.cri().stopPodSandbox(id);
    node.cri().removePodSandbox(id);
  }

  @Override
  public String toString() {
    return "pod " + name + " (" + ip + ") on node " + node.name();
  }
}
