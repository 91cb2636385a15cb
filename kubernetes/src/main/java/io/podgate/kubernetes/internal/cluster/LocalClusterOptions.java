package io.podgate.kubernetes.internal.cluster;

import io.podgate.PodgateException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What {@link LocalCluster#start} starts: a cluster {@code name}, a per-run {@code workDir} (created;
 * certificates, kubeconfigs, etcd data, kubelet root dirs and logs go under it, and it is deleted on
 * close), and one kubelet per {@link Node}. For crash safety the work dir must lie within 2 levels
 * of the directory the session's watchdog cleans (e.g. {@code <session dir>/k8s}).
 */
public final class LocalClusterOptions {
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  /**
   * One node: its kubelet uses the containerd at {@code criSocket} (a unix socket path), registers as
   * {@code name} with address {@code ip} and, when {@code netns} is given, runs in that named network
   * namespace. When {@code ip} is on no interface (of the netns), podgate adds it on a port-less
   * bridge for the cluster's lifetime. When {@code mountNamespace} is given (the node containerd's, e.g.
   * {@code /proc/<pid>/ns/mnt}, see {@code ContainerdOptions.privateVarLog}), the kubelet joins it, so that its
   * {@code /var/log/pods} is the node's own: a kubelet's container GC deletes every pod log directory there whose
   * pod it does not run, so kubelets sharing the host's {@code /var/log/pods} delete each other's pod logs.
   */
  public record Node(String name, Path criSocket, String ip, Optional<String> netns, Optional<Path> mountNamespace) {
    public Node {
      netns = netns == null ? Optional.empty() : netns;
      mountNamespace = mountNamespace == null ? Optional.empty() : mountNamespace;
      if (name == null || !DNS_LABEL.matcher(name).matches()) {
        throw new PodgateException("node name '" + name + "' must be a DNS label (lower case letters, digits, '-')");
      }
      if (ip == null || !IPV4.matcher(ip).matches() || ip.startsWith("127.")) {
        throw new PodgateException("node " + name + ": ip '" + ip + "' must be a non-loopback IPv4 address");
      }
      if (criSocket == null) {
        throw new PodgateException("node " + name + ": criSocket is required (the containerd socket of the node)");
      }
    }

    public Node(String name, Path criSocket, String ip) {
      this(name, criSocket, ip, Optional.empty(), Optional.empty());
    }

    public Node(String name, Path criSocket, String ip, Optional<String> netns) {
      this(name, criSocket, ip, netns, Optional.empty());
    }
  }

  private final String name;
  private final Path workDir;
  private final List<Node> nodes;
  private final String serviceSubnet;
  private final String apiserverAddress;
  private final Duration readyTimeout;
  private final Duration lockTimeout;

  private LocalClusterOptions(Builder b) {
    this.name = b.name;
    this.workDir = b.workDir;
    this.nodes = List.copyOf(b.nodes);
    this.serviceSubnet = b.serviceSubnet;
    this.apiserverAddress = b.apiserverAddress;
    this.readyTimeout = b.readyTimeout;
    this.lockTimeout = b.lockTimeout;
  }

  public static Builder builder() {
    return new Builder();
  }

  public String name() {
    return name;
  }

  public Path workDir() {
    return workDir;
  }

  public List<Node> nodes() {
    return nodes;
  }

  /** The service CIDR (virtual: no kube-proxy runs, nothing on the host uses it). */
  public String serviceSubnet() {
    return serviceSubnet;
  }

  /**
   * The host address the apiserver listens on (default 127.0.0.1; etcd always stays on 127.0.0.1). Nodes
   * in a network namespace need one they can reach, e.g. the host's address on their switch.
   */
  public String apiserverAddress() {
    return apiserverAddress;
  }

  /** How long each component (and every node's Ready) may take. */
  public Duration readyTimeout() {
    return readyTimeout;
  }

  /** How long to wait for another local cluster on this host to end its kubelets. */
  public Duration lockTimeout() {
    return lockTimeout;
  }

  @Override
  public String toString() {
    return "local cluster '" + name + "' in " + workDir + " with nodes "
        + nodes.stream().map(n -> n.name() + "@" + n.ip() + n.netns().map(ns -> " (netns " + ns + ")").orElse(""))
            .toList();
  }

  /** Builder; name, workDir and at least one node are required. */
  public static final class Builder {
    private String name;
    private Path workDir;
    private final List<Node> nodes = new ArrayList<>();
    private String serviceSubnet = "10.96.0.0/24";
    private String apiserverAddress = "127.0.0.1";
    private Duration readyTimeout = Duration.ofSeconds(120);
    private Duration lockTimeout = Duration.ofMinutes(15);

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Builder workDir(Path workDir) {
      this.workDir = workDir;
      return this;
    }

    public Builder node(Node node) {
      this.nodes.add(node);
      return this;
    }

    public Builder serviceSubnet(String cidr) {
      this.serviceSubnet = cidr;
      return this;
    }

    public Builder apiserverAddress(String address) {
      this.apiserverAddress = address;
      return this;
    }

    public Builder readyTimeout(Duration timeout) {
      this.readyTimeout = timeout;
      return this;
    }

    public Builder lockTimeout(Duration timeout) {
      this.lockTimeout = timeout;
      return this;
    }

    public LocalClusterOptions build() {
      if (name == null || !DNS_LABEL.matcher(name).matches()) {
        throw new PodgateException("local cluster name '" + name + "' must be a DNS label");
      }
      if (workDir == null) {
        throw new PodgateException("local cluster '" + name + "': workDir is required");
      }
      if (nodes.isEmpty()) {
        throw new PodgateException("local cluster '" + name + "': give at least one node");
      }
      if (nodes.stream().map(Node::name).distinct().count() != nodes.size()
          || nodes.stream().map(Node::ip).distinct().count() != nodes.size()) {
        throw new PodgateException("local cluster '" + name + "': node names and IPs must be distinct: " + nodes);
      }
      if (!serviceSubnet.matches("\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}")) {
        throw new PodgateException("local cluster '" + name + "': serviceSubnet '" + serviceSubnet + "' is no IPv4 CIDR");
      }
      if (apiserverAddress == null || !IPV4.matcher(apiserverAddress).matches()) {
        throw new PodgateException("local cluster '" + name + "': apiserverAddress '" + apiserverAddress
            + "' is no IPv4 address");
      }
      if (apiserverAddress.startsWith("127.") && nodes.stream().anyMatch(n -> n.netns().isPresent())) {
        throw new PodgateException("local cluster '" + name + "': nodes in a network namespace cannot reach an"
            + " apiserver on " + apiserverAddress + "; set apiserverAddress to a host address they reach (their switch)");
      }
      workDir = workDir.toAbsolutePath().normalize();
      return new LocalClusterOptions(this);
    }
  }
}
