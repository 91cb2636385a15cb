package io.podgate.internal.host;

import io.podgate.PodgateException;
import io.podgate.internal.cri.CriClient;
import io.podgate.internal.cri.v1.PodSandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Host ports of pods of podgate's own runtime on the host's network, in place of CNI's portmap plugin:
 * the same DNAT, localhost and hairpin masquerade, in one nat chain per pod subnet
 * ({@value IptablesCleanup#PODGATE_PREFIX}HP-, the network in hex, the prefix). A pod's rules take one
 * {@code iptables-restore} when it starts and one when it is removed, where portmap ran about 35
 * iptables and ip6tables commands per pod (about 45 ms of a one-pod test on two cores).
 *
 * <p>Each rule's comment names its sandbox, protocol and host address: {@link SandboxRemoval} removes a
 * pod's rules with the pod (its sandbox carries the {@link #LABEL} label), adding a pod's rules drops
 * those of sandboxes that no longer exist, and the subnet's teardown ({@link IptablesCleanup}) drops
 * the chain.
 */
public final class HostPortRules {
  /** Sandbox label: the pod's host ports are podgate's rules, to be removed with the sandbox. */
  public static final String LABEL = "io.podgate.host-port-rules";
  private static final String TABLE = "nat";
  private static final Pattern OWNER = Pattern.compile("--comment \"?podgate sandbox (\\S+) (\\S+) (\\S+?)\"? ");
  private static final int ATTEMPTS = 3;

  /** One published port: {@code hostIp} 0.0.0.0 means every address of the host. */
  public record Mapping(String protocol, String hostIp, int hostPort, int containerPort) {
    String key() {
      return protocol.toLowerCase(Locale.ROOT) + " " + hostIp + ":" + hostPort;
    }
  }

  private final Ipv4Subnet subnet;
  private final String bridge;
  private final CriClient cri;

  /**
   * @param bridge the runtime's bridge, where loopback-published ports need route_localnet
   * @param cri the runtime: rules of sandboxes it no longer has are dropped when adding
   */
  public HostPortRules(Ipv4Subnet subnet, String bridge, CriClient cri) {
    this.subnet = subnet;
    this.bridge = bridge;
    this.cri = cri;
  }

  /** The nat chain of {@code subnet}'s host ports. */
  public static String chain(Ipv4Subnet subnet) {
    return String.format("%sHP-%08X-%d", IptablesCleanup.PODGATE_PREFIX, subnet.network(), subnet.prefix());
  }

  /**
   * Installs the empty chain of {@code subnet}, the jumps into it for local destinations (PREROUTING and
   * OUTPUT) and the masquerade of loopback sources sent to a pod, replacing a leftover of a crashed run.
   */
  public static void install(Ipv4Subnet subnet, String comment) {
    IptablesCleanup.apply(List.of(), TABLE, installPlan(IptablesCleanup.read(TABLE), subnet, comment),
        "installing the host-port chain of " + subnet);
  }

  static String installPlan(IptablesCleanup.Table nat, Ipv4Subnet subnet, String comment) {
    String chain = chain(subnet);
    String note = "\"" + comment.replace("\"", "") + " host ports of " + subnet + "\"";
    String loopbackMasquerade = "-A POSTROUTING -s 127.0.0.0/8 -d " + subnet;
    StringBuilder script = new StringBuilder();
    for (String rule : nat.rules()) {
      if (IptablesCleanup.Table.jumpTarget(rule).equals(chain) || rule.startsWith(loopbackMasquerade + " ")) {
        script.append("-D").append(rule.substring(2)).append('\n');
      }
    }
    return script
        .append(':').append(chain).append(" - [0:0]\n")
        .append("-A PREROUTING -m addrtype --dst-type LOCAL -m comment --comment ").append(note)
        .append(" -j ").append(chain).append('\n')
        .append("-A OUTPUT -m addrtype --dst-type LOCAL -m comment --comment ").append(note)
        .append(" -j ").append(chain).append('\n')
        .append(loopbackMasquerade).append(" -m comment --comment ").append(note).append(" -j MASQUERADE\n")
        .toString();
  }

  /**
   * Publishes {@code mappings} of sandbox {@code sandboxId} at {@code podIp}: one DNAT rule each. Drops
   * the rules of sandboxes that no longer exist first.
   *
   * @throws PodgateException when a mapping's port is published for a live sandbox of another JVM, or
   *     iptables refuses the rules
   */
  public void add(String sandboxId, String podIp, List<Mapping> mappings) {
    if (mappings.stream().anyMatch(m -> m.hostIp().startsWith("127."))) {
      allowLoopbackRouting();
    }
    RuntimeException last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      IptablesCleanup.Table nat = IptablesCleanup.read(TABLE); // before the live sandboxes: see addPlan
      Set<String> live = cri.listPodSandbox().stream().map(PodSandbox::getId).collect(Collectors.toSet());
      String script = addPlan(nat, subnet, sandboxId, podIp, mappings, live);
      try {
        IptablesCleanup.apply(List.of(), TABLE, script, "adding iptables rules");
        return;
      } catch (RuntimeException e) {
        last = e; // another JVM changed the chain in between (a rule to delete went): read again
      }
    }
    throw new PodgateException("publishing the host ports of pod sandbox " + sandboxId + " failed: " + last.getMessage(),
        last);
  }

  /**
   * The script adding {@code mappings}: drops rules of sandboxes not in {@code live} and of earlier owners
   * of the same port. {@code live} must be read after {@code nat}, so every rule seen belongs to a
   * sandbox that existed when {@code live} was read or is gone.
   */
  static String addPlan(IptablesCleanup.Table nat, Ipv4Subnet subnet, String sandboxId, String podIp,
      List<Mapping> mappings, Set<String> live) {
    String chain = chain(subnet);
    StringBuilder script = new StringBuilder();
    if (!nat.chains().contains(chain)) {
      throw new PodgateException("the host-port chain " + chain + " of pod subnet " + subnet + " is missing from"
          + " iptables' nat table (removed by hand, or the runtime was stopped); restart the runtime");
    }
    for (String rule : nat.rules()) {
      if (!IptablesCleanup.Table.chainOf(rule).equals(chain)) {
        continue;
      }
      Matcher m = OWNER.matcher(rule + " ");
      if (!m.find()) {
        continue;
      }
      String owner = m.group(1);
      String key = m.group(2) + " " + m.group(3);
      boolean samePort = mappings.stream().anyMatch(p -> overlaps(p.key(), key));
      if (samePort && live.contains(owner) && !owner.equals(sandboxId)) {
        throw new PodgateException("host port " + key + " is already published for pod sandbox " + owner
            + ", a pod of another JVM using this runtime; give one of them another host port, or 0 for a free one");
      }
      if (samePort || !live.contains(owner)) {
        script.append("-D").append(rule.substring(2)).append('\n');
      }
    }
    for (Mapping p : mappings) {
      String protocol = p.protocol().toLowerCase(Locale.ROOT);
      script.append("-A ").append(chain);
      if (!p.hostIp().equals("0.0.0.0")) {
        script.append(" -d ").append(p.hostIp()).append("/32");
      }
      script.append(" -p ").append(protocol)
          .append(" -m comment --comment \"podgate sandbox ").append(sandboxId).append(' ').append(p.key()).append('"')
          .append(" -m ").append(protocol).append(" --dport ").append(p.hostPort())
          .append(" -j DNAT --to-destination ").append(podIp).append(':').append(p.containerPort()).append('\n');
    }
    return script.toString();
  }

  /** Whether two "protocol address:port" keys catch the same packets (0.0.0.0 catches every address). */
  private static boolean overlaps(String a, String b) {
    String[] x = a.split("[ :]");
    String[] y = b.split("[ :]");
    return x[0].equals(y[0]) && x[2].equals(y[2]) && (x[1].equals(y[1]) || x[1].equals("0.0.0.0") || y[1].equals("0.0.0.0"));
  }

  /** Removes the rules of sandbox {@code sandboxId} from every subnet's host-port chain. */
  public static void removeOf(String sandboxId) {
    RuntimeException last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        IptablesCleanup.apply(TABLE, removePlan(IptablesCleanup.read(TABLE), sandboxId));
        return;
      } catch (RuntimeException e) {
        last = e;
      }
    }
    throw last;
  }

  static String removePlan(IptablesCleanup.Table nat, String sandboxId) {
    StringBuilder script = new StringBuilder();
    String prefix = IptablesCleanup.PODGATE_PREFIX + "HP-";
    for (String rule : nat.rules()) {
      Matcher m = OWNER.matcher(rule + " ");
      if (IptablesCleanup.Table.chainOf(rule).startsWith(prefix) && m.find() && m.group(1).equals(sandboxId)) {
        script.append("-D").append(rule.substring(2)).append('\n');
      }
    }
    return script.toString();
  }

  /** Whether a sandbox with these labels has host-port rules of podgate's. */
  public static boolean labelled(Map<String, String> labels) {
    return "true".equals(labels.get(LABEL));
  }

  /**
   * Lets packets from 127.0.0.0/8 be routed to the bridge (portmap sets the same), which a port published
   * on a loopback address needs; the setting goes with the bridge.
   */
  private void allowLoopbackRouting() {
    Path setting = Path.of("/proc/sys/net/ipv4/conf", bridge, "route_localnet");
    try {
      if (!Files.readString(setting).strip().equals("1")) {
        Files.writeString(setting, "1");
      }
    } catch (IOException e) {
      throw new PodgateException("cannot allow loopback-published host ports to reach bridge " + bridge + " ("
          + setting + "): " + e.getMessage(), e);
    }
  }
}
