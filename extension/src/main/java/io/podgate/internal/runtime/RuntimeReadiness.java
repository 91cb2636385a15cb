package io.podgate.internal.runtime;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Checks, before podgate creates anything on a configured CRI endpoint, that the runtime reports
 * RuntimeReady and NetworkReady; otherwise says in one message what it reported and what to do.
 */
public final class RuntimeReadiness {
  /** containerd's CNI conf dir when its config names none. */
  public static final String DEFAULT_CNI_CONF_DIR = "/etc/cni/net.d";

  private RuntimeReadiness() {}

  /** Throws {@link RuntimeNotUsableException} when RuntimeReady or NetworkReady is false. */
  public static void require(RuntimeStatus status, CriEndpoint endpoint) {
    List<RuntimeStatus.Condition> unmet = status.unmet();
    if (!unmet.isEmpty()) {
      throw new RuntimeNotUsableException(message(status, endpoint.uri(), endpoint.source()));
    }
  }

  static String message(RuntimeStatus status, String uri, String source) {
    List<RuntimeStatus.Condition> unmet = status.unmet();
    boolean network = unmet.stream().anyMatch(c -> c.type().equals("NetworkReady"));
    boolean runtime = unmet.stream().anyMatch(c -> c.type().equals("RuntimeReady"));
    StringBuilder m = new StringBuilder("the CRI runtime at ").append(uri).append(" (from ").append(source)
        .append(") is not ready for pods: it reports ")
        .append(unmet.stream().map(RuntimeStatus.Condition::toString).collect(Collectors.joining(" and ")))
        .append(". podgate created nothing there. To fix it, either\n");
    if (runtime) {
      m.append("  - make the runtime itself ready (RuntimeReady): see its log;\n");
    }
    if (network) {
      String confDir = status.cniConfDir().orElse(DEFAULT_CNI_CONF_DIR);
      m.append("  - give the runtime a pod network (NetworkReady): put a CNI conflist into its CNI conf dir ")
          .append(confDir).append(status.cniConfDir().isPresent() ? " (cni.confDir of its CRI config)"
              : " (containerd's default; its CRI config did not say)")
          .append(status.cniBinDir().map(b -> ", using plugins of its CNI bin dir " + b).orElse(""))
          .append(". containerd reads only the first *.conflist there in name order, picks a new one up without a"
              + " restart, and sets up the pods' loopback itself. A minimal one, e.g. ")
          .append(Path.of(confDir, "10-containerd-net.conflist")).append(":\n")
          .append(exampleConflist("containerd-net", "cni0", "10.22.0.0/16", Optional.empty()));
    }
    m.append("  - or unset system property ").append(CriEndpoint.PROPERTY).append(" and environment variable ")
        .append(CriEndpoint.ENV).append(" to let podgate start its own containerd.");
    return m.toString();
  }

  /**
   * A minimal CNI conflist (bridge with host-local addresses, masquerade, and portmap for host
   * ports) for network {@code network} on bridge {@code bridge} with pods in {@code subnet} (CIDR);
   * host-local keeps its leases in {@code ipamDataDir} if given, else in /var/lib/cni/networks.
   */
  public static String exampleConflist(String network, String bridge, String subnet, Optional<Path> ipamDataDir) {
    return "{\n"
        + "  \"cniVersion\": \"0.4.0\",\n"
        + "  \"name\": \"" + network + "\",\n"
        + "  \"plugins\": [\n"
        + "    {\n"
        + "      \"type\": \"bridge\",\n"
        + "      \"bridge\": \"" + bridge + "\",\n"
        + "      \"isGateway\": true,\n"
        + "      \"ipMasq\": true,\n"
        + "      \"hairpinMode\": true,\n"
        + "      \"ipam\": {\n"
        + "        \"type\": \"host-local\",\n"
        + "        \"ranges\": [[{\"subnet\": \"" + subnet + "\"}]],\n"
        + ipamDataDir.map(d -> "        \"dataDir\": \"" + d.toString().replace("\\", "\\\\").replace("\"", "\\\"")
            + "\",\n").orElse("")
        + "        \"routes\": [{\"dst\": \"0.0.0.0/0\"}]\n"
        + "      }\n"
        + "    },\n"
        + "    {\"type\": \"portmap\", \"capabilities\": {\"portMappings\": true}}\n"
        + "  ]\n"
        + "}\n";
  }
}
