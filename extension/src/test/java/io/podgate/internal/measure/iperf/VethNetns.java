package io.podgate.internal.measure.iperf;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A network namespace {@code pg-gates-<random>} joined to the host by a veth pair {@code pggh*}/{@code
 * pggn*} on a random /30 of 10.203.0.0/24. {@link #close()} removes both and reports what it could not.
 */
final class VethNetns implements AutoCloseable {
  private static final HostCommandRunner HOST = new HostCommandRunner();

  final String namespace;
  final String hostVeth;
  final String netnsVeth;
  final String hostAddress;
  final String netnsAddress;
  private final io.podgate.testsupport.SharedPathsUser shared = io.podgate.testsupport.SharedPathsUser.join();

  private VethNetns(String suffix, int block) {
    this.namespace = "pg-gates-" + suffix;
    this.hostVeth = "pggh" + suffix;
    this.netnsVeth = "pggn" + suffix;
    this.hostAddress = "10.203.0." + (block * 4 + 1);
    this.netnsAddress = "10.203.0." + (block * 4 + 2);
  }

  static VethNetns create() {
    String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
    VethNetns n = new VethNetns(suffix, ThreadLocalRandom.current().nextInt(0, 64));
    try {
      ip("netns", "add", n.namespace);
      ip("link", "add", n.hostVeth, "type", "veth", "peer", "name", n.netnsVeth);
      ip("link", "set", n.netnsVeth, "netns", n.namespace);
      ip("addr", "add", n.hostAddress + "/30", "dev", n.hostVeth);
      ip("link", "set", n.hostVeth, "up");
      ip("-n", n.namespace, "addr", "add", n.netnsAddress + "/30", "dev", n.netnsVeth);
      ip("-n", n.namespace, "link", "set", n.netnsVeth, "up");
      ip("-n", n.namespace, "link", "set", "lo", "up");
      return n;
    } catch (RuntimeException e) {
      n.close();
      throw e;
    }
  }

  NetnsCommandRunner runner() {
    return new NetnsCommandRunner(namespace);
  }

  /** Token bucket on the host end: shapes traffic flowing from the host into the namespace. */
  void throttleHostToNetns(long bitsPerSecond) {
    long burstBytes = Math.max(bitsPerSecond / 8 / 100, 256 * 1024); // 10 ms of traffic, at least one GSO burst
    run(List.of("tc", "qdisc", "replace", "dev", hostVeth, "root", "tbf", "rate", bitsPerSecond + "bit",
        "burst", Long.toString(burstBytes), "latency", "50ms"));
  }

  void removeThrottle() {
    run(List.of("tc", "qdisc", "del", "dev", hostVeth, "root"));
  }

  boolean namespaceExists() {
    return HOST.run(List.of("ip", "netns", "list"), Duration.ofSeconds(10)).stdout().lines()
        .anyMatch(l -> l.split(" ")[0].equals(namespace));
  }

  boolean hostVethExists() {
    return HOST.run(List.of("ip", "link", "show", "dev", hostVeth), Duration.ofSeconds(10)).succeeded();
  }

  @Override
  public void close() {
    List<String> problems = new ArrayList<>();
    if (hostVethExists()) {
      CommandRunner.CommandResult r = HOST.run(List.of("ip", "link", "del", hostVeth), Duration.ofSeconds(10));
      if (!r.succeeded()) {
        problems.add("ip link del " + hostVeth + ": " + r.stderr().strip());
      }
    }
    if (namespaceExists()) {
      CommandRunner.CommandResult r = HOST.run(List.of("ip", "netns", "del", namespace), Duration.ofSeconds(10));
      if (!r.succeeded()) {
        problems.add("ip netns del " + namespace + ": " + r.stderr().strip());
      }
    }
    try {
      shared.close(); // /run/netns, when `ip netns add` made it
    } catch (RuntimeException e) {
      problems.add(e.getMessage());
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException("Could not remove test network: " + problems);
    }
  }

  private static void ip(String... args) {
    List<String> c = new ArrayList<>();
    c.add("ip");
    c.addAll(List.of(args));
    run(c);
  }

  private static void run(List<String> command) {
    CommandRunner.CommandResult r = HOST.run(command, Duration.ofSeconds(10));
    if (!r.succeeded()) {
      throw new IllegalStateException(String.join(" ", command) + " failed (exit " + r.exitCode() + "): "
          + r.stderr().strip());
    }
  }

  @Override
  public String toString() {
    return namespace + " " + hostVeth + "(" + hostAddress + ") <-> " + netnsVeth + "(" + netnsAddress + ")";
  }
}
