package io.podgate.internal.topology;

import io.podgate.internal.runtime.ContainerdOptions;
import io.podgate.PodgateException;
import io.podgate.internal.cri.CriClient;
import io.podgate.internal.image.StandardImages;
import io.podgate.internal.runtime.CriEndpoint;
import io.podgate.internal.runtime.EmbeddedContainerd;
import io.podgate.internal.host.HostCommand;
import io.podgate.internal.host.HostNetwork;
import io.podgate.internal.host.HostUser;
import io.podgate.internal.host.NetworkNamespaces;
import io.podgate.internal.host.HostProcesses;
import io.podgate.internal.host.Ipv4Subnet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

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
  private static final Pattern NODE_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,15}");
  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_.-]{0,12}");

  /** A node as declared: remote when {@code endpoint} is set. */
  public record NodeSpec(String name, Ipv4Subnet podSubnet, String address, String endpoint) {
    public boolean remote() {
      return endpoint != null;
    }
  }

  public static final class Builder {
    private final List<NodeSpec> nodes = new ArrayList<>();
    private String switchBridge = "pgnsw0";
    private String switchSubnet = DEFAULT_SWITCH_SUBNET;
    private String netnsPrefix = "pgn-";
    private String linkPrefix = "pgn";
    private Path stateDir = Path.of(System.getProperty("java.io.tmpdir"), "podgate-topologies");
    private String sandboxImage = StandardImages.PAUSE_REFERENCE;
    private Duration readyTimeout = Duration.ofSeconds(60);

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

  private final List<NodeSpec> specs;
  private final Map<String, String> addresses = new LinkedHashMap<>();
  private final Ipv4Subnet switchSubnet;
  private final String switchBridge;
  private final String hostAddress;
  private final String netnsPrefix;
  private final String linkPrefix;
  private final Path stateDir;
  private final String sandboxImage;
  private final Duration readyTimeout;
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
    this.specs = List.copyOf(b.nodes);
    this.switchBridge = b.switchBridge;
    this.netnsPrefix = b.netnsPrefix == null ? "" : b.netnsPrefix;
    this.linkPrefix = b.linkPrefix == null ? "" : b.linkPrefix;
    this.stateDir = b.stateDir.toAbsolutePath();
    this.sandboxImage = b.sandboxImage;
    this.readyTimeout = b.readyTimeout;
    try {
      this.switchSubnet = Ipv4Subnet.parse(b.switchSubnet);
    } catch (PodgateException e) {
      throw new PodgateException("switch subnet: " + e.getMessage(), e);
    }
    validateNames();
    this.hostAddress = Ipv4Subnet.format(switchSubnet.network() + 1);
    assignAddresses();
    validateSubnets();
  }

  // ---- validation (no side effects) ----

  private void validateNames() {
    if (specs.isEmpty()) {
      throw new PodgateException("a topology needs at least one node, e.g. Topology.builder().node(\"a4\", \"10.14.0.0/16\")");
    }
    if (switchBridge == null || !switchBridge.matches("[A-Za-z0-9_.-]{1,15}")) {
      throw new PodgateException("switch bridge name '" + switchBridge + "' must be 1-15 letters, digits, '_', '.' or '-'");
    }
    if (!PREFIX.matcher(netnsPrefix).matches() || !PREFIX.matcher(linkPrefix).matches()) {
      throw new PodgateException("netns prefix '" + netnsPrefix + "' and link prefix '" + linkPrefix
          + "' must be at most 12 letters, digits, '_', '.' or '-'");
    }
    Set<String> names = new HashSet<>();
    for (NodeSpec n : specs) {
      if (n.name() == null || !NODE_NAME.matcher(n.name()).matches()) {
        throw new PodgateException("node name '" + n.name() + "' must be 1-16 lower-case letters, digits or '-',"
            + " starting with a letter or digit");
      }
      if (!names.add(n.name())) {
        throw new PodgateException("node name '" + n.name() + "' is declared twice");
      }
      if (!n.remote() && (linkPrefix + n.name()).length() > 14) {
        throw new PodgateException("link name '" + linkPrefix + n.name() + "' of node '" + n.name()
            + "' is longer than 14 characters (Linux allows 15, podgate needs one more for the peer while"
            + " moving it); shorten the node name or linkPrefix");
      }
      if (!n.remote() && switchBridge.equals(linkPrefix + n.name())) {
        throw new PodgateException("node '" + n.name() + "' would use the switch bridge's name " + switchBridge);
      }
    }
  }

  private void assignAddresses() {
    Set<String> taken = new HashSet<>(List.of(hostAddress));
    for (NodeSpec n : specs) {
      if (n.address() != null) {
        int a;
        try {
          a = Ipv4Subnet.parseAddress(n.address(), n.address());
        } catch (PodgateException e) {
          throw new PodgateException("node '" + n.name() + "': address " + e.getMessage(), e);
        }
        if (!n.remote()) {
          int broadcast = switchSubnet.network() | ~Ipv4Subnet.mask(switchSubnet.prefix());
          if (!switchSubnet.contains(a) || a == switchSubnet.network() || a == broadcast) {
            throw new PodgateException("address " + n.address() + " of node '" + n.name()
                + "' is not a host address of the switch subnet " + switchSubnet);
          }
        }
        if (!taken.add(n.address())) {
          throw new PodgateException("address " + n.address() + " of node '" + n.name()
              + "' is already used by the host or another node");
        }
        addresses.put(n.name(), n.address());
      } else if (n.remote()) {
        throw new PodgateException("remote node '" + n.name() + "' needs its node address (the IP its pods' subnet"
            + " is routed via)");
      }
    }
    int next = switchSubnet.network() + 2;
    int broadcast = switchSubnet.network() | ~Ipv4Subnet.mask(switchSubnet.prefix());
    for (NodeSpec n : specs) {
      if (addresses.containsKey(n.name())) {
        continue;
      }
      while (taken.contains(Ipv4Subnet.format(next))) {
        next++;
      }
      if (next >= broadcast) {
        throw new PodgateException("switch subnet " + switchSubnet + " has no free address left for node '"
            + n.name() + "'; use a larger switch subnet");
      }
      String a = Ipv4Subnet.format(next++);
      taken.add(a);
      addresses.put(n.name(), a);
    }
  }

  private void validateSubnets() {
    for (int i = 0; i < specs.size(); i++) {
      NodeSpec a = specs.get(i);
      if (a.podSubnet().prefix() > 29) {
        throw new PodgateException("pod subnet " + a.podSubnet() + " of node '" + a.name() + "' is too small; use /29 or larger");
      }
      if (a.podSubnet().overlaps(switchSubnet)) {
        throw new PodgateException("pod subnet " + a.podSubnet() + " of node '" + a.name()
            + "' overlaps the switch subnet " + switchSubnet + "; the node addresses must lie outside every pod subnet");
      }
      for (NodeSpec n : specs) {
        if (a.podSubnet().contains(addresses.get(n.name()))) {
          throw new PodgateException("pod subnet " + a.podSubnet() + " of node '" + a.name() + "' contains the address "
              + addresses.get(n.name()) + " of node '" + n.name() + "'");
        }
      }
      for (int j = i + 1; j < specs.size(); j++) {
        NodeSpec b = specs.get(j);
        if (a.podSubnet().overlaps(b.podSubnet())) {
          throw new PodgateException("pod subnets overlap: " + a.podSubnet() + " of node '" + a.name() + "' and "
              + b.podSubnet() + " of node '" + b.name() + "'; each node needs its own subnet so the others can route it");
        }
      }
    }
  }

  /** Host routes overlapping the switch subnet or a local node's pod subnet, as messages; empty when clear. */
  static List<String> conflictsWithHostRoutes(List<String> routeLines, Ipv4Subnet switchSubnet,
      List<NodeSpec> specs) {
    List<String> conflicts = new ArrayList<>();
    for (String line : routeLines) {
      Optional<Ipv4Subnet> dst = HostNetwork.routeDestination(line);
      if (dst.isEmpty()) {
        continue;
      }
      if (dst.get().overlaps(switchSubnet)) {
        conflicts.add("switch subnet " + switchSubnet + " overlaps the host route '" + line.strip() + "'");
      }
      for (NodeSpec n : specs) {
        if (!n.remote() && dst.get().overlaps(n.podSubnet())) {
          conflicts.add("pod subnet " + n.podSubnet() + " of node '" + n.name() + "' overlaps the host route '"
              + line.strip() + "'");
        }
      }
    }
    return conflicts;
  }

  // ---- accessors ----

  public List<Node> nodes() {
    return List.copyOf(nodes.values());
  }

  public Node node(String name) {
    Node n = nodes.get(name);
    if (n == null) {
      throw new PodgateException("no node '" + name + "' in this topology" + (started ? "" : " (not started yet)")
          + "; nodes: " + specs.stream().map(NodeSpec::name).toList());
    }
    return n;
  }

  public List<NodeSpec> specs() {
    return specs;
  }

  /** The address the node named {@code name} has (or will have) on the switch. */
  public String addressOf(String name) {
    return addresses.get(name);
  }

  /** The host's address on the switch. */
  public String hostAddress() {
    return hostAddress;
  }

  public Ipv4Subnet switchSubnet() {
    return switchSubnet;
  }

  public String switchBridge() {
    return switchBridge;
  }

  public String netnsName(String node) {
    return netnsPrefix + node;
  }

  public String hostVethName(String node) {
    return linkPrefix + node;
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
      PodgateException failure = new PodgateException("starting the topology " + describe() + " failed: "
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
    boolean anyLocal = specs.stream().anyMatch(n -> !n.remote());
    if (anyLocal && !HostUser.isRoot()) {
      throw new PodgateException("a topology with local nodes creates network namespaces, links and routes and needs"
          + " root; run as root or declare every node with remoteNode(...)");
    }
    TopologyJanitor.cleanStale(stateDir);
    if (!anyLocal) {
      for (NodeSpec n : specs) {
        CriEndpoint.parse(n.endpoint(), "the CRI endpoint of remote node '" + n.name() + "'");
      }
      return;
    }
    String routes = HostCommand.run(List.of("ip", "-4", "route", "show", "table", "all"))
        .orThrow("reading the host's routes").output();
    List<String> conflicts = conflictsWithHostRoutes(List.of(routes.split("\n")), switchSubnet, specs);
    if (!conflicts.isEmpty()) {
      throw new PodgateException("refusing to create the topology " + describe() + "; nothing was created: "
          + String.join("; ", conflicts) + ". Pick subnets no host route covers (see `ip route`), e.g. with"
          + " Topology.builder().node(name, cidr) and switchSubnet(cidr).");
    }
    List<String> busy = new ArrayList<>();
    if (HostNetwork.linkExists(switchBridge)) {
      busy.add("link " + switchBridge);
    }
    for (NodeSpec n : specs) {
      if (n.remote()) {
        CriEndpoint.parse(n.endpoint(), "the CRI endpoint of remote node '" + n.name() + "'");
        continue;
      }
      if (NetworkNamespaces.exists(netnsName(n.name()))) {
        busy.add("network namespace " + netnsName(n.name()));
      }
      for (String link : List.of(hostVethName(n.name()), hostVethName(n.name()) + "n")) {
        if (HostNetwork.linkExists(link)) {
          busy.add("link " + link);
        }
      }
    }
    if (!busy.isEmpty()) {
      throw new PodgateException("refusing to create the topology " + describe() + "; nothing was created: "
          + String.join(", ", busy) + " already exist(s) (another topology, or a leftover: `ip link del <name>`,"
          + " `ip netns delete <name>`). Pick other names with switchBridge/netnsPrefix/linkPrefix.");
    }
  }

  private void create() {
    List<NodeSpec> local = specs.stream().filter(n -> !n.remote()).toList();
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
    manifest = TopologyManifest.create(dir);
    watcher = TopologyJanitor.spawnWatcher(manifest);
    shutdownHook = new Thread(this::closeQuietly, "podgate-topology-close");
    Runtime.getRuntime().addShutdownHook(shutdownHook);

    String prefix = "/" + switchSubnet.prefix();
    link(switchBridge, List.of("ip", "link", "add", switchBridge, "type", "bridge"));
    host("ip", "addr", "add", hostAddress + prefix, "dev", switchBridge);
    host("ip", "link", "set", switchBridge, "up");

    for (NodeSpec n : local) {
      String ns = netnsName(n.name());
      String veth = hostVethName(n.name());
      manifest.add("netns", ns);
      host("ip", "netns", "add", ns);
      createdNetns.add(ns);
      link(veth, List.of("ip", "link", "add", veth, "type", "veth", "peer", "name", veth + "n"));
      host("ip", "link", "set", veth + "n", "netns", ns);
      host("ip", "-n", ns, "link", "set", veth + "n", "name", "eth0");
      host("ip", "-n", ns, "addr", "add", addresses.get(n.name()) + prefix, "dev", "eth0");
      host("ip", "-n", ns, "link", "set", "eth0", "up");
      host("ip", "-n", ns, "link", "set", "lo", "up");
      host("ip", "link", "set", veth, "master", switchBridge, "up");
      host("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.ip_forward=1");
      for (NodeSpec other : specs) {
        if (other != n) {
          // a remote node off the switch is reached through the host, which must route it (see docs/nodes.md)
          String via = switchSubnet.contains(addresses.get(other.name())) ? addresses.get(other.name()) : hostAddress;
          host("ip", "-n", ns, "route", "add", other.podSubnet().toString(), "via", via);
          // pod to pod across nodes keeps the pods' addresses; CNI's masquerade rule comes after this one
          host("ip", "netns", "exec", ns, "iptables", "-w", "10", "-t", "nat", "-I", "POSTROUTING", "1",
              "-s", n.podSubnet().toString(), "-d", other.podSubnet().toString(), "-j", "RETURN");
        }
      }
      String via = addresses.get(n.name());
      manifest.add("route", n.podSubnet().toString(), via);
      host("ip", "route", "add", n.podSubnet().toString(), "via", via, "dev", switchBridge);
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
          .build());
      nodes.put(n.name(), new Node(n.name(), n.podSubnet(), addresses.get(n.name()), netnsName(n.name()),
          hostVethName(n.name()), daemon.socket(), daemon, daemon.cri()));
      manifest.add("daemon", Long.toString(daemon.pid()), daemon.socket().toString());
    }
    connectRemoteNodes();
  }

  private void connectRemoteNodes() {
    for (NodeSpec n : specs) {
      if (n.remote()) {
        Path socket = CriEndpoint.parse(n.endpoint(), "remote node '" + n.name() + "'").socket();
        nodes.put(n.name(), new Node(n.name(), n.podSubnet(), addresses.get(n.name()), null, null, socket, null,
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
      throw new PodgateException("closing the topology " + describe() + " left problems:\n  - "
          + String.join("\n  - ", problems));
    }
  }

  /** What of this topology still exists on the host: namespaces, links, routes, daemons, shims, its directory. */
  public List<String> leftovers() {
    List<String> left = new ArrayList<>();
    for (NodeSpec n : specs) {
      if (n.remote()) {
        continue;
      }
      if (NetworkNamespaces.exists(netnsName(n.name()))) {
        left.add("netns " + netnsName(n.name()));
      }
      if (HostNetwork.linkExists(hostVethName(n.name()))) {
        left.add("link " + hostVethName(n.name()));
      }
      if (HostNetwork.routePresent(n.podSubnet().toString(), addresses.get(n.name()))) {
        left.add("route " + n.podSubnet() + " via " + addresses.get(n.name()));
      }
    }
    if (specs.stream().anyMatch(n -> !n.remote()) && HostNetwork.linkExists(switchBridge)) {
      left.add("link " + switchBridge);
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

  private String describe() {
    StringBuilder s = new StringBuilder("[switch ").append(switchBridge).append(' ').append(switchSubnet);
    for (NodeSpec n : specs) {
      s.append(", ").append(n.name()).append(' ').append(n.podSubnet()).append(" via ").append(addresses.get(n.name()))
          .append(n.remote() ? " (remote)" : "");
    }
    return s.append(']').toString();
  }

  @Override
  public String toString() {
    return "topology " + describe();
  }

  static String randomId() {
    return UUID.randomUUID().toString().substring(0, 8);
  }
}
