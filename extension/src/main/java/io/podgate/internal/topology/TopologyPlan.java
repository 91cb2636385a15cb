package io.podgate.internal.topology;

import io.podgate.PodgateException;
import io.podgate.internal.host.HostCommand;
import io.podgate.internal.host.HostNetwork;
import io.podgate.internal.host.Ipv4Subnet;
import io.podgate.internal.host.NetworkNamespaces;
import io.podgate.internal.runtime.CriEndpoint;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A {@link Topology} as declared and checked, before anything exists: the nodes, their pod subnets
 * and switch addresses (chosen here when not given), and the names it will use on the host (switch
 * bridge, network namespaces, veths). Building one checks names, addresses and subnets against each
 * other; {@link #checkHost()} checks them against this host's routes, links and namespaces.
 */
public final class TopologyPlan {
  private static final Pattern NODE_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,15}");
  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_.-]{0,12}");

  /** A node as declared: remote when {@code endpoint} is set. */
  public record NodeSpec(String name, Ipv4Subnet podSubnet, String address, String endpoint) {
    public boolean remote() {
      return endpoint != null;
    }
  }

  private final List<NodeSpec> specs;
  private final Map<String, String> addresses = new LinkedHashMap<>();
  private final Ipv4Subnet switchSubnet;
  private final String switchBridge;
  private final String hostAddress;
  private final String netnsPrefix;
  private final String linkPrefix;

  /** @throws PodgateException naming the node, name, address or subnet that does not fit */
  TopologyPlan(List<NodeSpec> nodes, String switchBridge, String switchSubnet, String netnsPrefix, String linkPrefix) {
    this.specs = List.copyOf(nodes);
    this.switchBridge = switchBridge;
    this.netnsPrefix = netnsPrefix == null ? "" : netnsPrefix;
    this.linkPrefix = linkPrefix == null ? "" : linkPrefix;
    try {
      this.switchSubnet = Ipv4Subnet.parse(switchSubnet);
    } catch (PodgateException e) {
      throw new PodgateException("switch subnet: " + e.getMessage(), e);
    }
    validateNames();
    this.hostAddress = Ipv4Subnet.format(this.switchSubnet.network() + 1);
    assignAddresses();
    validateSubnets();
  }

  public List<NodeSpec> specs() {
    return specs;
  }

  /** The nodes podgate creates (not remote). */
  public List<NodeSpec> local() {
    return specs.stream().filter(n -> !n.remote()).toList();
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

  // ---- against the host (reads only) ----

  /**
   * Refuses, before anything is created, a plan that clashes with this host: a route overlapping the
   * switch or a local pod subnet, or a link or namespace name already taken. Remote endpoints must parse.
   *
   * @throws PodgateException listing every clash and what to change
   */
  void checkHost() {
    if (local().isEmpty()) {
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

  // ---- against each other (no side effects) ----


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

  /** The switch and every node with its pod subnet and address, for messages. */
  String describe() {
    StringBuilder s = new StringBuilder("[switch ").append(switchBridge).append(' ').append(switchSubnet);
    for (NodeSpec n : specs) {
      s.append(", ").append(n.name()).append(' ').append(n.podSubnet()).append(" via ").append(addresses.get(n.name()))
          .append(n.remote() ? " (remote)" : "");
    }
    return s.append(']').toString();
  }
}
