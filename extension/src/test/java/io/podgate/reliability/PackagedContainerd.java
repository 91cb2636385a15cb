package io.podgate.reliability;

import io.podgate.internal.runtime.ContainerdOptions;
import io.podgate.internal.runtime.EmbeddedContainerd;
import io.podgate.internal.host.Ipv4Subnet;
import io.podgate.internal.runtime.RuntimeReadiness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's containerd as its package ships it ({@value #BINARY} with {@value #SHIPPED_CONFIG}), run
 * privately: the shipped config is copied and rewritten to a private root, state, sockets, opt dir
 * and CNI conf dir (the result is checked with {@code containerd config dump}; /etc is never touched,
 * no system containerd is started or stopped). Whatever its config says, containerd 1.6 puts two
 * things under the system's /run/containerd: its shims' sockets in {@code /run/containerd/s} and
 * runc's state in {@code /run/containerd/runc/k8s.io} (see {@link #systemRunPaths}); they go when
 * their pods are removed. It runs offline whatever the host's network: its environment names a
 * proxy on a closed loopback port ({@link #proxy()}), so every registry pull fails at once there.
 * {@link EmbeddedContainerd} runs it by PID and on close removes pods, the daemon, its shims, pod
 * netns, runc state and cgroups, CNI caches, the bridge, the iptables state of its subnet and its
 * directory.
 */
final class PackagedContainerd implements AutoCloseable {
  static final String BINARY = "/usr/bin/containerd";
  static final String SHIPPED_CONFIG = "/etc/containerd/config.toml";
  static final String CRI = "plugins.\"io.containerd.grpc.v1.cri\"";
  /** Paths outside the base directory the effective config may name: read, never written. */
  private static final Set<String> READ_ONLY_PATHS = Set.of("/usr/lib/cni", "/etc/containerd/ocicrypt/keys");
  private static final Pattern HEADER = Pattern.compile("^\\s*\\[([^\\[\\]]+)\\]\\s*(#.*)?$");
  private static final Pattern QUOTED_PATH = Pattern.compile("\"(/[^\"]*)\"");

  /** The proxy variables Go's HTTP client reads (containerd 1.6's CRI pulls use http.ProxyFromEnvironment). */
  static final List<String> PROXY_VARIABLES = List.of("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy");

  private final EmbeddedContainerd daemon;
  private final Ipv4Subnet subnet;
  private final String proxy;

  private PackagedContainerd(EmbeddedContainerd daemon, Ipv4Subnet subnet, String proxy) {
    this.daemon = daemon;
    this.subnet = subnet;
    this.proxy = proxy;
  }

  /**
   * Starts the shipped configuration under {@code baseDir} (empty or absent). With {@code conflist},
   * a CNI conflist for {@code bridge} and {@code subnet} lies in its CNI conf dir from the start;
   * with {@code restrictOomScoreAdj}, the CRI plugin gets {@code restrict_oom_score_adj = true}.
   */
  static PackagedContainerd start(String name, String bridge, String subnet, Path baseDir, boolean conflist,
      boolean restrictOomScoreAdj) {
    String proxy = "127.0.0.1:" + closedLoopbackPort();
    ContainerdOptions.Builder options = ContainerdOptions.builder();
    PROXY_VARIABLES.forEach(v -> options.environment(v, "http://" + proxy));
    options.environment("NO_PROXY", "").environment("no_proxy", "");
    EmbeddedContainerd daemon = EmbeddedContainerd.start(options
        .name(name)
        .bridgeName(bridge)
        .podSubnet(subnet)
        .baseDir(baseDir)
        .containerdBinary(Path.of(BINARY))
        .awaitNetworkReady(conflist)
        .config((base, cniBin) -> {
          String shipped = Files.readString(Path.of(SHIPPED_CONFIG), StandardCharsets.UTF_8);
          Path config = base.resolve("config.toml");
          Files.writeString(config, privateConfig(shipped, base, restrictOomScoreAdj));
          checkEffectiveConfig(config, base, restrictOomScoreAdj);
          if (conflist) {
            Files.createDirectories(base.resolve("cni/ipam"));
            Files.writeString(base.resolve("cni/net.d/10-" + name + ".conflist"),
                RuntimeReadiness.exampleConflist(name + "-net", bridge, subnet, Optional.of(base.resolve("cni/ipam"))));
          }
        })
        .build());
    return new PackagedContainerd(daemon, Ipv4Subnet.parse(subnet), proxy);
  }

  /** A loopback port nothing listens on (bound, then released): connecting to it is refused at once. */
  private static int closedLoopbackPort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port for the closed proxy", e);
    }
  }

  /**
   * What containerd 1.6 keeps under the system's /run/containerd for a sandbox, whatever its config
   * says: the sandbox's shim socket {@code /run/containerd/s/<sha256 of "<socket>/k8s.io/<id>">}
   * (runc v2 shim, one per sandbox) and runc's state {@code /run/containerd/runc/k8s.io/<id>}.
   */
  static List<Path> systemRunPaths(Path socket, String sandboxId) {
    byte[] key = (socket + "/k8s.io/" + sandboxId).getBytes(StandardCharsets.UTF_8);
    try {
      String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key));
      return List.of(Path.of("/run/containerd/s", hash), Path.of("/run/containerd/runc/k8s.io", sandboxId));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The closed loopback proxy (host:port) every pull of this daemon goes to. */
  String proxy() {
    return proxy;
  }

  /** The shipped config with every path containerd writes under moved below {@code base}. */
  static String privateConfig(String shipped, Path base, boolean restrictOomScoreAdj) {
    String toml = shipped;
    toml = set(toml, "", "root", q(base.resolve("root")));
    toml = set(toml, "", "state", q(base.resolve("state")));
    toml = set(toml, "grpc", "address", q(base.resolve("containerd.sock")));
    toml = set(toml, "ttrpc", "address", q(base.resolve("containerd.sock.ttrpc")));
    toml = set(toml, "debug", "address", "\"\"");
    toml = set(toml, "metrics", "address", "\"\"");
    toml = set(toml, CRI + ".cni", "conf_dir", q(base.resolve("cni/net.d")));
    toml = set(toml, "plugins.\"io.containerd.internal.v1.opt\"", "path", q(base.resolve("opt")));
    if (restrictOomScoreAdj) {
      toml = set(toml, CRI, "restrict_oom_score_adj", "true");
    }
    return toml;
  }

  /**
   * Sets {@code key = value} in TOML table {@code table} ("" for the root table): replaces the key's
   * line there, else adds it under the table's header, else appends the table.
   */
  static String set(String toml, String table, String key, String value) {
    List<String> lines = new ArrayList<>(List.of(toml.split("\n", -1)));
    int start = -1; // the header line, or -1 for the root table's start
    int end = lines.size();
    boolean found = table.isEmpty();
    for (int i = 0; i < lines.size(); i++) {
      Matcher h = HEADER.matcher(lines.get(i));
      if (!h.matches()) {
        continue;
      }
      if (found) {
        end = i;
        break;
      }
      if (h.group(1).strip().equals(table)) {
        found = true;
        start = i;
      }
    }
    if (!found) {
      String tail = lines.get(lines.size() - 1).isEmpty() ? "" : "\n";
      return toml + tail + "\n[" + table + "]\n  " + key + " = " + value + "\n";
    }
    Pattern keyLine = Pattern.compile("^(\\s*)" + Pattern.quote(key) + "\\s*=.*$");
    for (int i = start + 1; i < end; i++) {
      Matcher m = keyLine.matcher(lines.get(i));
      if (m.matches()) {
        lines.set(i, m.group(1) + key + " = " + value);
        return String.join("\n", lines);
      }
    }
    String indent = start < 0 ? "" : lines.get(start).replaceAll("^(\\s*).*$", "$1") + "  ";
    lines.add(start + 1, indent + key + " = " + value);
    return String.join("\n", lines);
  }

  /** What containerd will use, as {@code containerd config dump} prints it: private paths, Debian's sandbox image. */
  private static void checkEffectiveConfig(Path config, Path base, boolean restrictOomScoreAdj) throws IOException {
    String dump = run(BINARY, "--config", config.toString(), "config", "dump");
    List<String> problems = new ArrayList<>();
    Matcher m = QUOTED_PATH.matcher(dump);
    while (m.find()) {
      String path = m.group(1);
      if (!path.startsWith(base + "/") && !READ_ONLY_PATHS.contains(path)) {
        problems.add("names " + path + " outside " + base);
      }
    }
    for (String expected : List.of("root = " + q(base.resolve("root")), "state = " + q(base.resolve("state")),
        "address = " + q(base.resolve("containerd.sock")), "conf_dir = " + q(base.resolve("cni/net.d")),
        "sandbox_image = \"registry.k8s.io/pause:3.6\"", "restrict_oom_score_adj = " + restrictOomScoreAdj)) {
      if (!dump.contains(expected)) {
        problems.add("lacks " + expected);
      }
    }
    if (!problems.isEmpty()) {
      throw new IOException("the rewritten config " + config + " " + problems + "; containerd config dump:\n" + dump);
    }
  }

  private static String run(String... command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted: " + String.join(" ", command), e);
    }
    return out;
  }

  private static String q(Path p) {
    return "\"" + p + "\"";
  }

  EmbeddedContainerd daemon() {
    return daemon;
  }

  Path socket() {
    return daemon.socket();
  }

  String endpoint() {
    return "unix://" + daemon.socket();
  }

  Ipv4Subnet subnet() {
    return subnet;
  }

  String bridge() {
    return daemon.options().bridgeName();
  }

  @Override
  public void close() {
    daemon.close();
  }
}
