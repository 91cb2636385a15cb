package io.podgate.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podgate.internal.host.HostProcesses;
import io.podgate.internal.host.Ipv4Subnet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a podgate run may leave on the host, scoped to one bridge and pod subnet (other work on the
 * machine uses other ones): daemon and shim processes, the bridge, network namespaces holding an
 * address of the subnet, iptables rules and CNI result caches naming one; and, for any run, empty
 * container cgroups that runc no longer knows.
 */
public final class HostState {
  private static final Pattern IPV4 = Pattern.compile("(?<![0-9.])(\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3})(?![0-9])");

  private HostState() {}

  public static String bridge() {
    return System.getProperty("podgate.bridge", "podgate0");
  }

  public static Ipv4Subnet subnet() {
    return Ipv4Subnet.parse(System.getProperty("podgate.subnet", "10.88.0.0/16"));
  }

  /** Everything found that names {@code subnet} or belongs to the sessions seen; empty when clean. */
  public static List<String> leftovers(String bridge, Ipv4Subnet subnet, List<SessionProbe.Seen> sessions) {
    List<String> left = new ArrayList<>();
    for (SessionProbe.Seen s : sessions) {
      if (s.daemonPid() != 0 && ProcessHandle.of(s.daemonPid()).map(ProcessHandle::isAlive).orElse(false)) {
        left.add("containerd pid " + s.daemonPid() + " of session " + s.sessionId());
      }
      if (s.socket() != null && !HostProcesses.shimsOf(s.socket()).isEmpty()) {
        left.add("shims " + HostProcesses.shimsOf(s.socket()) + " of " + s.socket());
      }
      if (Files.exists(s.dir())) {
        left.add("session directory " + s.dir());
      }
    }
    if (Files.exists(Path.of("/sys/class/net", bridge))) {
      left.add("bridge " + bridge);
    }
    left.addAll(netnsIn(subnet));
    left.addAll(iptablesNaming(subnet));
    left.addAll(cniResultsNaming(subnet));
    left.addAll(orphanCgroups());
    return left;
  }

  /**
   * Empty cgroups under {@code <hierarchy>/k8s.io/<id>} whose container has no runc state: what a
   * killed shim leaves when nobody removes it (runc delete never ran).
   */
  public static List<String> orphanCgroups() {
    List<String> left = new ArrayList<>();
    Path root = Path.of("/sys/fs/cgroup");
    try (Stream<Path> hierarchies = Files.list(root)) {
      // cgroup v1 has one hierarchy per directory; v2 is the root itself
      for (Path k8s : Stream.concat(Stream.of(root), hierarchies).map(h -> h.resolve("k8s.io"))
          .filter(Files::isDirectory).toList()) {
        try (Stream<Path> ids = Files.list(k8s)) {
          for (Path cgroup : ids.filter(Files::isDirectory).toList()) {
            boolean stateKept = Files.exists(Path.of("/run/containerd/runc/k8s.io").resolve(cgroup.getFileName()));
            if (!stateKept && Files.readString(cgroup.resolve("cgroup.procs")).isBlank()) {
              left.add("cgroup " + cgroup);
            }
          }
        }
      }
    } catch (IOException e) {
      left.add("cannot list cgroups: " + e.getMessage());
    }
    return left;
  }

  public static void assertClean(String bridge, Ipv4Subnet subnet, List<SessionProbe.Seen> sessions) {
    await("nothing of " + bridge + "/" + subnet + " left").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertThat(leftovers(bridge, subnet, sessions)).as("left behind").isEmpty());
  }

  public static void assertClean() {
    assertClean(bridge(), subnet(), List.copyOf(SessionProbe.SEEN));
  }

  /**
   * What the pods of {@code subnet} leave on the host while their daemon still runs: network namespaces
   * holding a pod address, links on the bridge (host veths), iptables rules naming a pod address (the
   * masquerade rule for the whole subnet is the daemon's) and CNI result caches. Empty once every pod is gone.
   */
  public static List<String> podLeftovers(String bridge, Ipv4Subnet subnet) {
    List<String> left = new ArrayList<>(netnsIn(subnet));
    if (Files.exists(Path.of("/sys/class/net", bridge))) {
      for (String link : run("ip", "-o", "link", "show", "master", bridge).split("\n")) {
        if (!link.isBlank()) {
          left.add("link on " + bridge + ": " + link.strip());
        }
      }
    }
    for (String rule : iptablesNaming(subnet)) {
      if (namesPodAddress(rule, subnet)) {
        left.add(rule);
      }
    }
    left.addAll(cniResultsNaming(subnet));
    return left;
  }

  /** {@link #podLeftovers(String, Ipv4Subnet)} for this run's bridge and subnet. */
  public static List<String> podLeftovers() {
    return podLeftovers(bridge(), subnet());
  }

  private static final Pattern ADDRESS_OR_NET = Pattern.compile("(?<![0-9.])(\\d{1,3}(?:\\.\\d{1,3}){3})(?:/(\\d{1,2}))?(?![0-9])");

  /** True when {@code text} names one address of {@code subnet} (not a network such as the subnet itself). */
  public static boolean namesPodAddress(String text, Ipv4Subnet subnet) {
    Matcher m = ADDRESS_OR_NET.matcher(text);
    while (m.find()) {
      boolean host = m.group(2) == null || m.group(2).equals("32");
      try {
        if (host && subnet.contains(m.group(1))) {
          return true;
        }
      } catch (RuntimeException notAnAddress) {
        // e.g. 999.1.1.1
      }
    }
    return false;
  }

  public static boolean mentions(String text, Ipv4Subnet subnet) {
    Matcher m = IPV4.matcher(text);
    while (m.find()) {
      try {
        if (subnet.contains(m.group(1))) {
          return true;
        }
      } catch (RuntimeException notAnAddress) {
        // e.g. 999.1.1.1
      }
    }
    return false;
  }

  public static List<String> iptablesNaming(Ipv4Subnet subnet) {
    List<String> hits = new ArrayList<>();
    for (String table : List.of("nat", "filter")) {
      for (String l : run("iptables-save", "-t", table).split("\n")) {
        if (mentions(l, subnet)) {
          hits.add("iptables " + table + ": " + l);
        }
      }
    }
    return hits;
  }

  public static List<String> netnsIn(Ipv4Subnet subnet) {
    List<String> hits = new ArrayList<>();
    Path dir = Path.of("/var/run/netns");
    if (!Files.isDirectory(dir)) {
      return hits;
    }
    try (Stream<Path> s = Files.list(dir)) {
      for (Path ns : s.toList()) {
        String addrs = run("ip", "-n", ns.getFileName().toString(), "-4", "-o", "addr");
        if (mentions(addrs, subnet)) {
          hits.add("network namespace " + ns + ": " + addrs.strip());
        }
      }
    } catch (IOException e) {
      hits.add("cannot list " + dir + ": " + e.getMessage());
    }
    return hits;
  }

  public static List<String> cniResultsNaming(Ipv4Subnet subnet) {
    List<String> hits = new ArrayList<>();
    Path dir = Path.of("/var/lib/cni/results");
    if (!Files.isDirectory(dir)) {
      return hits;
    }
    try (Stream<Path> s = Files.list(dir)) {
      for (Path f : s.toList()) {
        try {
          if (mentions(Files.readString(f), subnet)) {
            hits.add("CNI result cache " + f);
          }
        } catch (IOException gone) {
          // removed while we looked
        }
      }
    } catch (IOException e) {
      hits.add("cannot list " + dir + ": " + e.getMessage());
    }
    return hits;
  }



  public static String run(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      return out;
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}
