package io.podgate.internal.runtime;

import io.podgate.PodgateException;
import io.podgate.internal.host.HostCommand;
import io.podgate.internal.host.HostNetwork;
import io.podgate.internal.host.HostProcesses;
import io.podgate.internal.host.HostUser;
import io.podgate.internal.host.Ipv4Subnet;
import io.podgate.internal.host.NetworkNamespaces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The host checks an embedded containerd passes before anything is made, and the {@code ip} commands
 * that address its network (on the host, or with {@code -n} in its network namespace).
 */
final class NetworkPreflight {
  private NetworkPreflight() {}

  /**
   * Refuses, before anything is created, a daemon that cannot run here or would clash: not root, a
   * missing netns, a bridge that exists or that another running containerd's CNI config claims, a pod
   * subnet overlapping another daemon's or a route.
   *
   * @throws PodgateException naming the clash and what to change
   */
  static void check(ContainerdOptions options) {
    if (!HostUser.isRoot()) {
      throw new PodgateException("starting containerd '" + options.name() + "' needs root (it creates bridge "
          + options.bridgeName() + ", network namespaces and iptables rules); run the tests as root, or point "
          + CriEndpoint.PROPERTY + " at a running CRI runtime");
    }
    if (options.netns().isPresent() && !Files.exists(NetworkNamespaces.path(options.netns().get()))) {
      throw new PodgateException("network namespace " + options.netns().get() + " for containerd '" + options.name()
          + "' does not exist (no " + NetworkNamespaces.path(options.netns().get()) + "); create it first with"
          + " `ip netns add " + options.netns().get() + "`");
    }
    if (bridgeExists(options)) {
      throw new PodgateException("bridge " + options.bridgeName() + " for containerd '" + options.name()
          + "' already exists " + where(options) + "; another podgate daemon (or a leftover) uses it. Pick another"
          + " bridge name, or delete the leftover with `" + String.join(" ", ip(options, "link", "del",
          options.bridgeName())) + "`");
    }
    for (NetworkClaim claim : runningClaims(options)) {
      if (claim.bridge().equals(options.bridgeName())) {
        throw new PodgateException("bridge " + options.bridgeName() + " for containerd '" + options.name()
            + "' is already claimed by the containerd running as pid " + claim.pid() + " (CNI config " + claim.conflist()
            + "); give each daemon its own bridge name. Nothing was created");
      }
      if (claim.subnet().overlaps(options.podSubnet())) {
        throw new PodgateException("pod subnet " + options.podSubnet() + " of containerd '" + options.name()
            + "' overlaps subnet " + claim.subnet() + " of the containerd running as pid " + claim.pid() + " (CNI config "
            + claim.conflist() + "); give each daemon a subnet of its own. Nothing was created");
      }
    }
    HostCommand.Result routes = HostCommand.run(ip(options, "-4", "route", "show"))
        .orThrow("reading the host's routes to check pod subnet " + options.podSubnet());
    for (String line : routes.output().split("\n")) {
      Optional<Ipv4Subnet> dst = HostNetwork.routeDestination(line);
      if (dst.isPresent() && dst.get().overlaps(options.podSubnet())) {
        throw new PodgateException("pod subnet " + options.podSubnet() + " of containerd '" + options.name()
            + "' overlaps the " + (options.netns().isPresent() ? "route '" + line.strip() + "' " + where(options)
            : "host route '" + line.strip() + "'")
            + "; pick a subnet no route covers (see `" + String.join(" ", ip(options, "route")) + "`)");
      }
    }
  }

  /** Bridge and subnet a running containerd's CNI config uses (its bridge exists only once it has a pod). */
  record NetworkClaim(long pid, Path conflist, String bridge, Ipv4Subnet subnet) {}

  private static final Pattern CONF_DIR = Pattern.compile("(?m)^\\s*conf_dir\\s*=\\s*\"([^\"]+)\"");
  private static final Pattern CNI_BRIDGE = Pattern.compile("\"bridge\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern CNI_SUBNET = Pattern.compile("\"subnet\"\\s*:\\s*\"([^\"]+)\"");

  /**
   * Networks of the containerd daemons running now, in the network namespace the new daemon will
   * use, whose config names a CNI conf dir (best effort).
   */
  static List<NetworkClaim> runningClaims(ContainerdOptions options) {
    List<NetworkClaim> claims = new ArrayList<>();
    Optional<String> ours = netnsIdentity(options);
    for (long pid : HostProcesses.containerdDaemons(-1)) {
      if (ours.isEmpty() || !ours.equals(netnsIdentity(pid))) {
        continue;
      }
      List<String> args = HostProcesses.cmdline(pid).orElse(List.of());
      int i = args.indexOf("--config");
      if (i < 0 || i + 1 >= args.size()) {
        continue;
      }
      try {
        java.util.regex.Matcher dir = CONF_DIR.matcher(Files.readString(Path.of(args.get(i + 1))));
        if (!dir.find() || !Files.isDirectory(Path.of(dir.group(1)))) {
          continue;
        }
        try (Stream<Path> confs = Files.list(Path.of(dir.group(1)))) {
          for (Path conf : confs.filter(f -> f.toString().endsWith(".conflist")).toList()) {
            String json = Files.readString(conf);
            java.util.regex.Matcher b = CNI_BRIDGE.matcher(json);
            java.util.regex.Matcher n = CNI_SUBNET.matcher(json);
            if (b.find() && n.find()) {
              claims.add(new NetworkClaim(pid, conf, b.group(1), Ipv4Subnet.parse(n.group(1))));
            }
          }
        }
      } catch (IOException | RuntimeException unreadable) {
        // a daemon we cannot inspect (gone, other layout): the bridge and route checks still apply
      }
    }
    return claims;

  }

  /** Inode of the network namespace the daemon will run in, as {@code net:[inode]}. */
  private static Optional<String> netnsIdentity(ContainerdOptions options) {
    try {
      if (options.netns().isPresent()) {
        Object inode = Files.getAttribute(NetworkNamespaces.path(options.netns().get()), "unix:ino");
        return Optional.of("net:[" + inode + "]");
      }
      return Optional.of(Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString());
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> netnsIdentity(long pid) {
    try {
      return Optional.of(Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/net")).toString());
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  static List<String> ip(ContainerdOptions options, String... args) {
    List<String> c = new ArrayList<>(List.of("ip"));
    options.netns().ifPresent(ns -> c.addAll(List.of("-n", ns)));
    c.addAll(List.of(args));
    return c;
  }

  private static String where(ContainerdOptions options) {
    return options.netns().map(ns -> "in network namespace " + ns).orElse("on this host");
  }

  static boolean bridgeExists(ContainerdOptions options) {
    if (options.netns().isEmpty()) {
      return HostNetwork.linkExists(options.bridgeName());
    }
    if (!Files.exists(NetworkNamespaces.path(options.netns().get()))) {
      return false;
    }
    return HostCommand.run(ip(options, "link", "show", "dev", options.bridgeName())).ok();
  }
}
