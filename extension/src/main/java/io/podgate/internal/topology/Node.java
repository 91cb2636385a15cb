package io.podgate.internal.topology;

import io.podgate.PodgateException;
import io.podgate.internal.cri.CriClient;
import io.podgate.internal.image.BuiltImage;
import io.podgate.internal.image.ImportResult;
import io.podgate.internal.image.OciArchiveImporter;
import io.podgate.internal.runtime.EmbeddedContainerd;
import io.podgate.internal.host.Ipv4Subnet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One node of a {@link Topology}: a CRI runtime with its own pod subnet, reached at a node address.
 * A local node is a network namespace podgate created, with its own containerd inside; a remote node
 * is an existing CRI endpoint where podgate creates nothing but pods.
 */
public final class Node {
  private final String name;
  private final Ipv4Subnet podSubnet;
  private final String address;
  private final String netns;
  private final String hostVeth;
  private final Path socket;
  private final EmbeddedContainerd daemon;
  private final CriClient cri;
  private final List<NodePod> pods = new ArrayList<>();

  Node(String name, Ipv4Subnet podSubnet, String address, String netns, String hostVeth, Path socket,
      EmbeddedContainerd daemon, CriClient cri) {
    this.name = name;
    this.podSubnet = podSubnet;
    this.address = address;
    this.netns = netns;
    this.hostVeth = hostVeth;
    this.socket = socket;
    this.daemon = daemon;
    this.cri = cri;
  }

  public String name() {
    return name;
  }

  public Ipv4Subnet podSubnet() {
    return podSubnet;
  }

  /** The node's IP on the switch (or, for a remote node, the address given for it). */
  public String address() {
    return address;
  }

  public boolean remote() {
    return daemon == null;
  }

  /** The node's network namespace; empty for a remote node. */
  public Optional<String> netns() {
    return Optional.ofNullable(netns);
  }

  /** The node's link on the host's switch bridge; empty for a remote node. */
  public Optional<String> hostVeth() {
    return Optional.ofNullable(hostVeth);
  }

  /** The pod bridge inside the node's namespace; empty for a remote node. */
  public Optional<String> podBridge() {
    return daemon == null ? Optional.empty() : Optional.of(daemon.options().bridgeName());
  }

  /** The CRI socket on this machine's filesystem. */
  public Path socket() {
    return socket;
  }

  public CriClient cri() {
    return cri;
  }

  /** The containerd podgate started for this node; empty for a remote node. */
  public Optional<EmbeddedContainerd> daemon() {
    return Optional.ofNullable(daemon);
  }

  /** Imports an image archive into this node's runtime (namespace k8s.io). */
  public ImportResult importImage(BuiltImage image) {
    return new OciArchiveImporter(cri.channel(), cri.endpoint()).importImage(image);
  }

  /** Runs a pod with one container on this node; the topology removes it on close if the caller did not. */
  public NodePod runPod(String podName, String image, List<String> command) {
    NodePod pod = NodePod.run(this, podName, image, command);
    synchronized (pods) {
      pods.add(pod);
    }
    return pod;
  }

  /** Pods started through {@link #runPod} and not closed yet. */
  public List<NodePod> pods() {
    synchronized (pods) {
      return pods.stream().filter(p -> !p.closed()).toList();
    }
  }

  List<String> closePods() {
    List<String> problems = new ArrayList<>();
    for (NodePod p : pods()) {
      try {
        p.close();
      } catch (RuntimeException e) {
        problems.add("removing pod " + p.name() + " on node " + name + ": " + e.getMessage());
      }
    }
    return problems;
  }

  void requireLocal(String what) {
    if (remote()) {
      throw new PodgateException(what + " needs a node podgate created; node '" + name + "' is a remote CRI endpoint ("
          + socket + ")");
    }
  }

  @Override
  public String toString() {
    return "node " + name + " (" + address + ", pods " + podSubnet
        + (remote() ? ", remote " + socket : ", netns " + netns) + ")";
  }
}
