package io.podgate.internal.host;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The host's network links and routes: whether one exists, removing one, reading `ip route` lines. */
public final class HostNetwork {
  private static final List<String> ROUTE_TYPES = List.of("unicast", "local", "broadcast", "multicast", "blackhole",
      "unreachable", "prohibit", "throw", "nat", "anycast");

  private HostNetwork() {}

  /** Whether the host (this process's network namespace) has a link named {@code name}. */
  public static boolean linkExists(String name) {
    return Files.exists(Path.of("/sys/class/net", name));
  }

  /**
   * Deletes the link {@code name} if it exists; returns what stayed. A veth that vanishes meanwhile
   * (its peer's namespace was deleted) counts as gone.
   */
  public static List<String> deleteLink(String name) {
    if (!linkExists(name)) {
      return List.of();
    }
    HostCommand.Result r = HostCommand.run(List.of("ip", "link", "del", name));
    if (!r.ok() && linkExists(name)) {
      return List.of("link " + name + ": `ip link del " + name + "` exited " + r.exitCode() + ": " + r.output().strip());
    }
    return List.of();
  }

  /** Whether the host has the route {@code cidr via via}. */
  public static boolean routePresent(String cidr, String via) {
    HostCommand.Result r = HostCommand.run(List.of("ip", "-4", "route", "show", "exact", cidr));
    return r.ok() && r.output().contains("via " + via + " ");
  }

  /** Deletes the host route {@code cidr via via}; returns what stayed (empty also when it was not there). */
  public static List<String> deleteRoute(String cidr, String via) {
    HostCommand.Result r = HostCommand.run(List.of("ip", "route", "del", cidr, "via", via));
    if (!r.ok() && routePresent(cidr, via)) {
      return List.of("route " + cidr + " via " + via + ": " + r.output().strip());
    }
    return List.of();
  }

  /** Destination of one `ip route` line; empty for the default route and unparsable lines. */
  public static Optional<Ipv4Subnet> routeDestination(String line) {
    String[] tokens = line.strip().split("\\s+");
    if (tokens.length == 0 || tokens[0].isEmpty()) {
      return Optional.empty();
    }
    int i = ROUTE_TYPES.contains(tokens[0]) && tokens.length > 1 ? 1 : 0;
    String dst = tokens[i];
    if (dst.equals("default")) {
      return Optional.empty();
    }
    try {
      if (dst.contains("/")) {
        return Optional.of(Ipv4Subnet.parse(dst));
      }
      return Optional.of(new Ipv4Subnet(Ipv4Subnet.parseAddress(dst, dst), 32));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
