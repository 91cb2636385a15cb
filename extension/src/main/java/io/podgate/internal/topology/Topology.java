package io.podgate.internal.topology;

import io.podgate.PodgateException;
import io.podgate.internal.cri.CriClient;
import io.podgate.internal.host.HostCommand;
import io.podgate.internal.host.HostNetwork;
import io.podgate.internal.host.HostProcesses;
import io.podgate.internal.host.HostUser;
import io.podgate.internal.host.Ipv4Subnet;
import io.podgate.internal.host.NetworkNamespaces;
import io.podgate.internal.host.SharedHostPaths;
import io.podgate.internal.image.StandardImages;
import io.podgate.internal.runtime.ContainerdOptions;
import io.podgate.internal.runtime.CriEndpoint;
import io.podgate.internal.runtime.EmbeddedContainerd;
import io.podgate.internal.topology.TopologyPlan.NodeSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Several nodes on one machine, joined like the seed's a4 and a5: each local node is a network
 * namespace with its own containerd, pod subnet and pod bridge, and an address on a veth to a switch
 * bridge on the host (which gets an address on the switch too). Each node routes every other node's
 * pod subnet via that node's address; the host routes each local pod subnet via its node. Traffic
 * between pod subnets keeps the pods' addresses (no masquerade).
 *
 * <p>Everything {@link #start()} creates is listed in a manifest as it is made and removed by {@link
 * #close()}; a watcher process outside the JVM removes it if the JVM dies first, and stale manifests are
 * cleaned at the next start. Subnets overlapping each other or a host route are refused before anything
 * is created.
 */
public final class Topology implements AutoCloseable {
  public static final String DEFAULT_SWITCH_SUBNET = "198.18.0.0/24";
  public static final String SEED_A4_SUBNET = "10.14.0.0/16";
  public static final String SEED_A5_SUBNET = "10.15.0.0/16";
  static final String POD_BRIDGE = "cbr0";

  public static final class Builder {
    private final List<NodeSpec> nodes = new ArrayList<>();
    private String switchBridge = "pgnsw0";
    private String switchSubnet = DEFAULT_SWITCH_SUBNET;
    private String netnsPrefix = "pgn-";
    private String linkPrefix = "pgn";
    private Path stateDir = Path.of(System.getProperty("java.io.tmpdir"), "podgate-topologies");
    private String sandboxImage = StandardImages.PAUSE_REFERENCE;
    private Duration readyTimeout = Duration.ofSeconds(60);
    private boolean privateVarLog;

    private Builder() {}

    /** A node podgate creates: a netns with its own containerd and pods in {@code podSubnet}. */
    public Builder node(String name, String podSubnet) {
      return node(name, podSubnet, null);
    }

    /** As {@link #node(String, String)} with a chosen address on the switch subnet. */
    public Builder node(String name, String podSubnet, String address) {
      nodes.add(new NodeSpec(name, parseSubnet(podSubnet, name), address, null));
      return this;
    }

    /**
     * A node that already runs: a CRI endpoint ({@code unix:///path}, e.g. a socket forwarded from another
     * machine) whose pods live in {@code podSubnet} and whose node address is {@code address}. podgate
     * creates nothing there but pods, and adds no host route for it.
     */
    public Builder remoteNode(String name, String podSubnet, String address, String criEndpoint) {
      nodes.add(new NodeSpec(name, parseSubnet(podSubnet, name), address,
          java.util.Objects.requireNonNull(criEndpoint, "criEndpoint")));
      return this;
    }

    /** The host's bridge joining local nodes (at most 15 characters). */
    public Builder switchBridge(String name) {
      this.switchBridge = name;
      return this;
    }

    /** The switch network: the host takes its first address, local nodes the next ones. */
    public Builder switchSubnet(String cidr) {
      this.switchSubnet = cidr;
      return this;
    }

    /** Prefix of the nodes' network namespace names (namespace = prefix + node name). */
    public Builder netnsPrefix(String prefix) {
      this.netnsPrefix = prefix;
      return this;
    }

    /** Prefix of the nodes' host-side veth names (link = prefix + node name). */
    public Builder linkPrefix(String prefix) {
      this.linkPrefix = prefix;
      return this;
    }

    /** Where each topology keeps its directory and manifest; stale ones there are cleaned at start. */
    public Builder stateDir(Path dir) {
      this.stateDir = dir;
      return this;
    }

    public Builder sandboxImage(String reference) {
      this.sandboxImage = reference;
      return this;
    }

    public Builder readyTimeout(Duration timeout) {
      this.readyTimeout = timeout;
      return this;
    }

    /**
     * Runs each node's containerd in a mount namespace of its own where {@code /var/log} is a directory of
     * the node (see {@link ContainerdOptions.Builder#privateVarLog}), for a kubelet per node; default false.
     */
    public Builder privateVarLog(boolean privateVarLog) {
      this.privateVarLog = privateVarLog;
      return this;
    }

    /** Checks names, addresses and subnets against each other (not yet against the host). */
    public Topology build() {
      return new Topology(this);
    }

    private static Ipv4Subnet parseSubnet(String cidr, String node) {
      try {
        return Ipv4Subnet.parse(cidr);
      } catch (PodgateException e) {
        throw new PodgateException("node '" + node + "': " + e.getMessage(), e);
      }
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The seed's layout: nodes a4 (pods 10.14.0.0/16) and a5 (pods 10.15.0.0/16). */
  public static Builder seedLayout() {
    return builder().node("a4", SEED_A4_SUBNET).node("a5", SEED_A5_SUBNET);
  }

  private final TopologyPlan plan;
  private final Path stateDir;
  private final String sandboxImage;
  private final Duration readyTimeout;
  private final boolean privateVarLog;
  private final Map<String, Node> nodes = new LinkedHashMap<>();
  private final List<String[]> hostRoutes = new ArrayList<>();
  private final List<String> createdNetns = new ArrayList<>();
  private final List<String> createdLinks = new ArrayList<>();
  private Path dir;
  private TopologyManifest manifest;
  private Process watcher;
  private Thread shutdownHook;
  private boolean started;
  private boolean closed;

  private Topology(Builder b) {
    this.plan = new TopologyPlan(b.nodes, b.switchBridge, b.switchSubnet, b.netnsPrefix, b.linkPrefix);
    this.stateDir = b.stateDir.toAbsolutePath();
    this.sandboxImage = b.sandboxImage;
    this.readyTimeout = b.readyTimeout;
    this.privateVarLog = b.privateVarLog;
  }

  // ---- accessors ----

  public List<Node> nodes() {
    return List.copyOf(nodes.values());
  }

  public Node node(String name) {
    Node n = nodes.get(name);
    if (n == null) {
      throw new PodgateException("no node '" + name + "' in this topology" + (started ? "" : " (not started yet)")
          + "; nodes: " + plan.specs().stream().map(NodeSpec::name).toList());
    }
    return n;
  }

  /** What was declared and checked: nodes, addresses, names on the host. */
  public TopologyPlan plan() {
    return plan;
  }

  public List<NodeSpec> specs() {
    return plan.specs();
  }

  /** The address the node named {@code name} has (or will have) on the switch. */
  public String addressOf(String name) {
    return plan.addressOf(name);
  }

  /** The host's address on the switch. */
  public String hostAddress() {
    return plan.hostAddress();
  }

  public Ipv4Subnet switchSubnet() {
    return plan.switchSubnet();
  }

  public String switchBridge() {
    return plan.switchBridge();
  }

  public String netnsName(String node) {
    return plan.netnsName(node);
  }

  public String hostVethName(String node) {
    return plan.hostVethName(node);
  }

  /** This topology's directory (daemons' roots, sockets, manifest); empty before start. */
  public Optional<Path> dir() {
    return Optional.ofNullable(dir);
  }

  public Optional<TopologyManifest> manifest() {
    return Optional.ofNullable(manifest);
  }

  /** PID of the watcher outside the JVM, or -1. */
  public long watcherPid() {
    return watcher == null ? -1 : watcher.pid();
  }

  // ---- start ----

  /** Creates the switch, namespaces, links, routes and daemons; on failure removes what it made and throws. */
  public synchronized Topology start() {
    if (started) {
      throw new PodgateException("this topology was already started; build a new one");
    }
    started = true;
    preflight();
    try {
      create();
    } catch (RuntimeException e) {
      PodgateException failure = new PodgateException("starting the topology " + plan.describe() + " failed: "
          + e.getMessage() + (dir == null ? "" : " (files in " + dir + ")"), e);
      try {
        close();
      } catch (RuntimeException closing) {
        failure.addSuppressed(closing);
      }
      throw failure;
    }
    return this;
  }

  private void preflight() {
    boolean anyLocal = !plan.local().isEmpty();
    if (anyLocal && !HostUser.isRoot()) {
      throw new PodgateException("a topology with local nodes creates network namespaces, links and routes and needs"
          + " root; run as root or declare every node with remoteNode(...)");
    }
    TopologyJanitor.cleanStale(stateDir);
    plan.checkHost();
  }

  private void create() {
    List<NodeSpec> local = plan.local();
    if (local.isEmpty()) {
      connectRemoteNodes();
      return;
    }
    try {
      Files.createDirectories(stateDir);
      dir = Files.createTempDirectory(stateDir, "t",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new PodgateException("cannot create a topology directory under " + stateDir + ": " + e.getMessage(), e);
    }
    SharedHostPaths.host().join(dir); // before `ip netns add` makes /run/netns
    manifest = TopologyManifest.create(dir);
    watcher = TopologyJanitor.spawnWatcher(manifest);
    shutdownHook = new Thread(this::closeQuietly, "podgate-topology-close");
    Runtime.getRuntime().addShutdownHook(shutdownHook);

    String prefix = "/" + plan.switchSubnet().prefix();
    link(plan.switchBridge(), List.of("ip", "link", "add", plan.switchBridge(), "type", "bridge"));
    host("ip", "addr", "add", plan.hostAddress() + prefix, "dev", plan.switchBridge());
    host("ip", "link", "set", plan.switchBridge(), "up");

    for (NodeSpec n : local) {
      String ns = netnsName(n.name());
      String veth = hostVethName(n.name());
      manifest.add("netns", ns);
      host("ip", "netns", "add", ns);
      createdNetns.add(ns);
      link(veth, List.of("ip", "link", "add", veth, "type", "veth", "peer", "name", veth + "n"));
      host("ip", "link", "set", veth + "n", "netns", ns);
      host("ip", "-n", ns, "link", "set", veth + "n", "name", "eth0");
      host("ip", "-n", ns, "addr", "add", plan.addressOf(n.name()) + prefix, "dev", "eth0");
      host("ip", "-n", ns, "link", "set", "eth0", "up");
      host("ip", "-n", ns, "link", "set", "lo", "up");
      host("ip", "link", "set", veth, "master", plan.switchBridge(), "up");
      host("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.ip_forward=1");
      for (NodeSpec other : plan.specs()) {
        if (other != n) {
          // a remote node off the switch is reached through the host, which must route it (see docs/nodes.md)
          String via = plan.switchSubnet().contains(plan.addressOf(other.name())) ? plan.addressOf(other.name()) : plan.hostAddress();
          host("ip", "-n", ns, "route", "add", other.podSubnet().toString(), "via", via);
          // pod to pod across nodes keeps the pods' addresses; CNI's masquerade rule comes after this one
          host("ip", "netns", "exec", ns, "iptables", "-w", "10", "-t", "nat", "-I", "POSTROUTING", "1",
              "-s", n.podSubnet().toString(), "-d", other.podSubnet().toString(), "-j", "RETURN");
        }
      }
      String via = plan.addressOf(n.name());
      manifest.add("route", n.podSubnet().toString(), via);
      host("ip", "route", "add", n.podSubnet().toString(), "via", via, "dev", plan.switchBridge());
      hostRoutes.add(new String[] {n.podSubnet().toString(), via});
    }
    for (NodeSpec n : local) {
      EmbeddedContainerd daemon = EmbeddedContainerd.start(ContainerdOptions.builder()
          .name(n.name())
          .bridgeName(POD_BRIDGE)
          .podSubnet(n.podSubnet().toString())
          .netns(netnsName(n.name()))
          .baseDir(dir.resolve(n.name()))
          .sandboxImage(sandboxImage)
          .readyTimeout(readyTimeout)
          .privateVarLog(privateVarLog)
          .build());
      nodes.put(n.name(), new Node(n.name(), n.podSubnet(), plan.addressOf(n.name()), netnsName(n.name()),
          hostVethName(n.name()), daemon.socket(), daemon, daemon.cri()));
      manifest.add("daemon", Long.toString(daemon.pid()), daemon.socket().toString());
    }
    connectRemoteNodes();
  }

  private void connectRemoteNodes() {
    for (NodeSpec n : plan.specs()) {
      if (n.remote()) {
        Path socket = CriEndpoint.parse(n.endpoint(), "remote node '" + n.name() + "'").socket();
        nodes.put(n.name(), new Node(n.name(), n.podSubnet(), plan.addressOf(n.name()), null, null, socket, null,
            answeringClient(n, socket)));
      }
    }
  }

  /** A client that got an answer to Version (a fresh unix-socket channel may fail its first call). */
  private static CriClient answeringClient(NodeSpec n, Path socket) {
    CriClient client = CriClient.connect(socket);
    CriClient quick = client.withDeadline(Duration.ofSeconds(3));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      try {
        quick.version();
        return client;
      } catch (RuntimeException e) {
        if (System.nanoTime() - deadline > 0) {
          client.close();
          throw new PodgateException("remote node '" + n.name() + "' at " + n.endpoint() + " does not answer CRI"
              + " Version within 10 s: " + e.getMessage() + "; check the runtime (or the forwarded socket) is up", e);
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          client.close();
          throw new PodgateException("interrupted while connecting to remote node '" + n.name() + "'", ie);
        }
      }
    }
  }

  private void link(String name, List<String> command) {
    manifest.add("link", name);
    HostCommand.run(command).orThrow("creating link " + name);
    createdLinks.add(name);
  }

  private static void host(String... command) {
    HostCommand.run(List.of(command)).orThrow("setting up the topology");
  }

  // ---- close ----

  /** Removes pods, daemons, routes, namespaces, links and the directory; problems are thrown together. */
  @Override
  public synchronized void close() {
    if (closed || !started) {
      closed = true;
      return;
    }
    closed = true;
    List<String> problems = new ArrayList<>();
    List<Node> all = new ArrayList<>(nodes.values());
    java.util.Collections.reverse(all);
    for (Node n : all) {
      problems.addAll(n.closePods());
    }
    for (Node n : all) {
      if (n.daemon().isPresent()) {
        step(problems, "stopping containerd of node " + n.name(), () -> n.daemon().get().close());
      } else {
        step(problems, "closing the CRI client of remote node " + n.name(), () -> n.cri().close());
      }
    }
    for (String[] r : hostRoutes) {
      problems.addAll(HostNetwork.deleteRoute(r[0], r[1]));
    }
    for (String ns : createdNetns) {
      problems.addAll(NetworkNamespaces.delete(ns));
    }
    List<String> links = new ArrayList<>(createdLinks);
    java.util.Collections.reverse(links);
    for (String link : links) {
      problems.addAll(HostNetwork.deleteLink(link)); // a veth also goes with its peer's namespace
    }
    if (manifest != null) {
      if (problems.isEmpty()) {
        // the janitor also sweeps what the steps above may have missed (e.g. a daemon that never got recorded)
        problems.addAll(TopologyJanitor.clean(manifest));
      } else {
        problems.add("kept " + manifest.file() + " for the next start (or `java -cp <podgate> "
            + TopologyJanitor.class.getName() + " clean " + manifest.file() + "`) to retry");
      }
    }
    if (watcher != null) {
      step(problems, "ending the watcher (pid " + watcher.pid() + ")", () -> {
        try {
          if (problems.isEmpty() && !watcher.waitFor(5, TimeUnit.SECONDS)) {
            throw new PodgateException("it did not exit after the manifest was removed");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          if (watcher.isAlive() && problems.isEmpty()) {
            watcher.destroy();
          }
        }
      });
    }
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException | IllegalArgumentException e) {
        // the JVM is shutting down
      }
    }
    if (!problems.isEmpty()) {
      throw new PodgateException("closing the topology " + plan.describe() + " left problems:\n  - "
          + String.join("\n  - ", problems));
    }
  }

  /** What of this topology still exists on the host: namespaces, links, routes, daemons, shims, its directory. */
  public List<String> leftovers() {
    List<String> left = new ArrayList<>();
    for (NodeSpec n : plan.specs()) {
      if (n.remote()) {
        continue;
      }
      if (NetworkNamespaces.exists(netnsName(n.name()))) {
        left.add("netns " + netnsName(n.name()));
      }
      if (HostNetwork.linkExists(hostVethName(n.name()))) {
        left.add("link " + hostVethName(n.name()));
      }
      if (HostNetwork.routePresent(n.podSubnet().toString(), plan.addressOf(n.name()))) {
        left.add("route " + n.podSubnet() + " via " + plan.addressOf(n.name()));
      }
    }
    if (!plan.local().isEmpty() && HostNetwork.linkExists(plan.switchBridge())) {
      left.add("link " + plan.switchBridge());
    }
    for (Node n : nodes.values()) {
      n.daemon().ifPresent(d -> {
        if (HostProcesses.alive(d.pid())) {
          left.add("containerd pid " + d.pid());
        }
        HostProcesses.shimsOf(d.socket()).forEach(s -> left.add("shim pid " + s));
      });
    }
    if (dir != null) {
      HostProcesses.containerdsConfiguredUnder(dir).forEach(p -> left.add("containerd pid " + p + " (by config)"));
      if (Files.exists(dir)) {
        left.add("directory " + dir);
      }
    }
    return left;
  }

  private static void step(List<String> problems, String what, Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      problems.add(what + ": " + e.getMessage());
    }
  }

  private void closeQuietly() {
    try {
      close();
    } catch (RuntimeException e) {
      System.getLogger(Topology.class.getName()).log(System.Logger.Level.WARNING, e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "topology " + plan.describe();
  }

  static String randomId() {
    return UUID.randomUUID().toString().substring(0, 8);
  }
}
