package io.podgate.internal.host;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes iptables state that CNI left for one pod subnet: per-pod CNI-* chains whose rules name an
 * address in the subnet, every rule naming such an address or jumping to such a chain, and (only when
 * asked, i.e. no other daemon can still use them) portmap's shared CNI-HOSTPORT-* chains once empty.
 */
public final class IptablesCleanup {
  static final List<String> TABLES = List.of("nat", "filter", "mangle");
  private static final Pattern ADDRESS = Pattern.compile("(?<![\\d.])(\\d{1,3}(?:\\.\\d{1,3}){3})(?:/(\\d{1,2}))?");
  private static final String SHARED_PREFIX = "CNI-HOSTPORT-";
  /** Chains podgate makes itself; like CNI's per-pod chains, they are ours when their rules name our subnet. */
  static final String PODGATE_PREFIX = "PODGATE-";

  private IptablesCleanup() {}

  /** One table's rules as iptables-save prints them. */
  record Table(String name, List<String> chains, List<String> rules) {
    static Table parse(String name, String save) {
      List<String> chains = new ArrayList<>();
      List<String> rules = new ArrayList<>();
      for (String line : save.split("\n")) {
        if (line.startsWith(":")) {
          chains.add(line.substring(1).split(" ")[0]);
        } else if (line.startsWith("-A ")) {
          rules.add(line);
        }
      }
      return new Table(name, chains, rules);
    }

    static String chainOf(String rule) {
      return rule.split(" ")[1];
    }

    static String jumpTarget(String rule) {
      Matcher m = Pattern.compile(" -[jg] (\\S+)").matcher(rule);
      return m.find() ? m.group(1) : "";
    }
  }

  /** True when {@code text} names an address inside {@code subnet} or a network overlapping it. */
  static boolean mentions(String text, Ipv4Subnet subnet) {
    Matcher m = ADDRESS.matcher(text);
    while (m.find()) {
      int address;
      try {
        address = Ipv4Subnet.parseAddress(m.group(1), m.group(1));
      } catch (RuntimeException e) {
        continue;
      }
      int prefix = m.group(2) == null ? 32 : Integer.parseInt(m.group(2));
      if (prefix > 32) {
        continue;
      }
      Ipv4Subnet seen = new Ipv4Subnet(address & Ipv4Subnet.mask(prefix), prefix);
      // a rule about 0.0.0.0/0 or another broad range is not ours
      if (seen.prefix() >= subnet.prefix() && subnet.overlaps(seen)) {
        return true;
      }
    }
    return false;
  }

  /** The iptables-restore script that removes what belongs to {@code subnet} from {@code table}. */
  static String planForSubnet(Table table, Ipv4Subnet subnet) {
    Set<String> ours = new LinkedHashSet<>();
    if (table.chains().contains(HostPortRules.chain(subnet))) {
      ours.add(HostPortRules.chain(subnet)); // even when empty
    }
    for (String rule : table.rules()) {
      String chain = Table.chainOf(rule);
      // another subnet's host-port chain holds one rule per pod: those naming the subnet go one by one
      boolean perSubnetChain = chain.startsWith(PODGATE_PREFIX) && !chain.startsWith(PODGATE_PREFIX + "HP-")
          || chain.startsWith("CNI-") && !chain.startsWith(SHARED_PREFIX);
      if (perSubnetChain && mentions(rule, subnet)) {
        ours.add(chain);
      }
    }
    StringBuilder script = new StringBuilder();
    for (String rule : table.rules()) {
      String chain = Table.chainOf(rule);
      if (ours.contains(chain)) {
        continue; // flushed below
      }
      if (mentions(rule, subnet) || ours.contains(Table.jumpTarget(rule))) {
        script.append("-D").append(rule.substring(2)).append('\n');
      }
    }
    for (String chain : ours) {
      script.append("-F ").append(chain).append('\n');
    }
    for (String chain : ours) {
      script.append("-X ").append(chain).append('\n');
    }
    return script.toString();
  }

  /** The script removing portmap's shared chains, or empty when any of them still holds a rule. */
  static String planForSharedChains(Table table) {
    List<String> shared = table.chains().stream().filter(c -> c.startsWith(SHARED_PREFIX)).toList();
    if (shared.isEmpty()) {
      return "";
    }
    StringBuilder script = new StringBuilder();
    for (String rule : table.rules()) {
      String chain = Table.chainOf(rule);
      if (shared.contains(chain)) {
        // a per-pod jump into CNI-HOSTPORT-DNAT means a pod still maps ports: leave everything
        if (chain.equals(SHARED_PREFIX + "DNAT")) {
          return "";
        }
        continue;
      }
      if (shared.contains(Table.jumpTarget(rule))) {
        if (chain.startsWith("CNI-")) {
          return ""; // a per-pod chain still uses the shared ones
        }
        script.append("-D").append(rule.substring(2)).append('\n');
      }
    }
    for (String chain : shared) {
      script.append("-F ").append(chain).append('\n');
    }
    for (String chain : shared) {
      script.append("-X ").append(chain).append('\n');
    }
    return script.toString();
  }

  static Table read(String table) {
    return read(List.of(), table);
  }

  /** {@code prefix}: how to enter another network namespace ({@code nsenter --net=... --}), or empty. */
  static Table read(List<String> prefix, String table) {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(List.of("iptables-save", "-t", table));
    HostCommand.Result r = HostCommand.run(command);
    if (!r.ok()) {
      // the table does not exist (nothing was ever added to it)
      return new Table(table, List.of(), List.of());
    }
    return Table.parse(table, r.output());
  }

  static void apply(String table, String script) {
    apply(List.of(), table, script);
  }

  static void apply(List<String> prefix, String table, String script) {
    apply(prefix, table, script, "removing iptables rules in table " + table);
  }

  /** Applies {@code script} to {@code table} without flushing it; {@code what} leads the error message. */
  static void apply(List<String> prefix, String table, String script, String what) {
    if (script.isEmpty()) {
      return;
    }
    String input = "*" + table + "\n" + script + "COMMIT\n";
    List<String> command = new ArrayList<>(prefix);
    command.addAll(List.of("iptables-restore", "-w", "10", "--noflush"));
    HostCommand.run(command, input, Duration.ofSeconds(60))
        .orThrow(what + " (script: " + script.strip().replace('\n', ';') + ")");
  }

  /** Removes what belongs to {@code subnet}; also the shared chains when {@code includeShared}. */
  public static void clean(Ipv4Subnet subnet, boolean includeShared) {
    for (String table : TABLES) {
      apply(table, planForSubnet(read(table), subnet));
      if (includeShared) {
        apply(table, planForSharedChains(read(table)));
      }
    }
  }

  /** Name of the masquerade chain of {@code subnet}: {@value #PODGATE_PREFIX}MASQ-, the network in hex, the prefix. */
  static String masqueradeChain(Ipv4Subnet subnet) {
    return String.format("%sMASQ-%08X-%d", PODGATE_PREFIX, subnet.network(), subnet.prefix());
  }

  /**
   * The iptables-restore script of one masquerade rule for the whole pod subnet, what CNI's bridge
   * plugin adds per pod with ipMasq: traffic from the subnet leaving it (multicast aside) is
   * masqueraded. One rule at daemon start instead of a chain per pod at each RunPodSandbox.
   */
  static String masqueradePlan(Ipv4Subnet subnet, String comment) {
    String chain = masqueradeChain(subnet);
    return ":" + chain + " - [0:0]\n"
        + "-A " + chain + " -d " + subnet + " -m conntrack --ctstate DNAT -j MASQUERADE\n" // a pod at its own host port
        + "-A " + chain + " -d " + subnet + " -j ACCEPT\n"
        + "-A " + chain + " ! -d 224.0.0.0/4 -j MASQUERADE\n"
        + "-A POSTROUTING -s " + subnet + " -m comment --comment \"" + comment.replace("\"", "") + "\" -j " + chain + "\n";
  }

  /**
   * Installs the masquerade of {@code subnet} ({@link #masqueradePlan}), replacing a leftover of a
   * crashed run with the same subnet; {@code prefix} goes before each command (e.g. nsenter into a
   * network namespace; empty on the host).
   */
  public static void installMasquerade(List<String> prefix, Ipv4Subnet subnet, String comment) {
    String chain = masqueradeChain(subnet);
    StringBuilder script = new StringBuilder();
    for (String rule : read(prefix, "nat").rules()) {
      if (Table.jumpTarget(rule).equals(chain)) {
        script.append("-D").append(rule.substring(2)).append('\n');
      }
    }
    script.append(masqueradePlan(subnet, comment));
    apply(prefix, "nat", script.toString());
  }

  /**
   * Removes the iptables rules of a host-namespace daemon that is gone (its JVM was killed): what
   * CNI left for {@code subnet} and podgate's masquerade; portmap's shared chains too when no
   * containerd that could run CNI runs any more (Docker's own containerd does not count).
   */
  public static void cleanAfterGoneDaemon(Ipv4Subnet subnet) {
    clean(subnet, HostProcesses.cniCapableContainerdDaemons(-1).isEmpty());
  }

  /** Chains and rules still naming {@code subnet}, as iptables-save lines (for leak checks). */
  public static List<String> leftovers(Ipv4Subnet subnet) {
    List<String> left = new ArrayList<>();
    for (String table : TABLES) {
      for (String rule : read(table).rules()) {
        if (mentions(rule, subnet)) {
          left.add(table + ": " + rule);
        }
      }
    }
    return left;
  }
}
