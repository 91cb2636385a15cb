package io.podgate.internal.runtime;

import io.podgate.PodgateException;
import io.podgate.internal.host.Ipv4Subnet;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How to start one {@link EmbeddedContainerd}: name, bridge, pod subnet, paths and timeouts, checked
 * by {@link Builder#build()} (bad values throw a PodgateException naming the field).
 */
public final class ContainerdOptions {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
  private static final Pattern BRIDGE = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
  private static final Pattern NETNS = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private final String name;
  private final String bridgeName;
  private final Ipv4Subnet podSubnet;
  private final Path baseDir;
  private final String sandboxImage;
  private final Path containerdBinary;
  private final Path cniBinDir;
  private final Duration readyTimeout;
  private final Duration stopTimeout;
  private final String netns;
  private final ConfigWriter config;
  private final boolean awaitNetworkReady;
  private final boolean outlivesJvm;
  private final Map<String, String> environment;
  private final boolean privateVarLog;
  private final boolean cniPortmap;

  private ContainerdOptions(Builder b) {
    this.name = b.name;
    this.bridgeName = b.bridgeName;
    this.podSubnet = b.podSubnet;
    this.baseDir = b.baseDir;
    this.sandboxImage = b.sandboxImage;
    this.containerdBinary = b.containerdBinary;
    this.cniBinDir = b.cniBinDir;
    this.readyTimeout = b.readyTimeout;
    this.stopTimeout = b.stopTimeout;
    this.netns = b.netns;
    this.config = b.config;
    this.awaitNetworkReady = b.awaitNetworkReady;
    this.outlivesJvm = b.outlivesJvm;
    this.environment = Map.copyOf(b.environment);
    this.privateVarLog = b.privateVarLog;
    this.cniPortmap = b.cniPortmap;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these options, to change some. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.bridgeName = bridgeName;
    b.podSubnet = podSubnet;
    b.baseDir = baseDir;
    b.sandboxImage = sandboxImage;
    b.containerdBinary = containerdBinary;
    b.cniBinDir = cniBinDir;
    b.readyTimeout = readyTimeout;
    b.stopTimeout = stopTimeout;
    b.netns = netns;
    b.config = config;
    b.awaitNetworkReady = awaitNetworkReady;
    b.outlivesJvm = outlivesJvm;
    b.environment = new LinkedHashMap<>(environment);
    b.privateVarLog = privateVarLog;
    b.cniPortmap = cniPortmap;
    return b;
  }

  public String name() {
    return name;
  }

  public String bridgeName() {
    return bridgeName;
  }

  public Ipv4Subnet podSubnet() {
    return podSubnet;
  }

  /** The base directory asked for, or empty for a fresh one under java.io.tmpdir. */
  public Optional<Path> baseDir() {
    return Optional.ofNullable(baseDir);
  }

  public String sandboxImage() {
    return sandboxImage;
  }

  /** The containerd binary asked for, or empty to look it up on PATH. */
  public Optional<Path> containerdBinary() {
    return Optional.ofNullable(containerdBinary);
  }

  public Optional<Path> cniBinDir() {
    return Optional.ofNullable(cniBinDir);
  }

  public Duration readyTimeout() {
    return readyTimeout;
  }

  public Duration stopTimeout() {
    return stopTimeout;
  }

  /** The named network namespace the daemon (and its pod bridge) lives in, or empty for the host's. */
  public Optional<String> netns() {
    return Optional.ofNullable(netns);
  }

  /**
   * Whether podgate publishes the pods' host ports itself ({@link io.podgate.internal.host.HostPortRules})
   * instead of CNI's portmap: with its own config on the host's network. A daemon in a network namespace
   * (a topology node) keeps portmap, which runs inside that namespace, and so does one built with
   * {@link Builder#cniPortmap(boolean)}.
   */
  public boolean podgateHostPorts() {
    return config == null && netns == null && !cniPortmap;
  }

  /** The writer of a config other than podgate's own, if one was given. */
  public Optional<ConfigWriter> config() {
    return Optional.ofNullable(config);
  }

  public boolean awaitNetworkReady() {
    return awaitNetworkReady;
  }

  /** Whether the daemon runs in its own session and stays when this JVM exits (see {@link SharedContainerd}). */
  public boolean outlivesJvm() {
    return outlivesJvm;
  }

  /** Variables set in the daemon's environment on top of this JVM's (empty by default). */
  public Map<String, String> environment() {
    return environment;
  }

  /**
   * Whether the daemon runs in a mount namespace of its own in which {@code /var/log} is {@code <baseDir>/var-log}
   * (see {@link Builder#privateVarLog}).
   */
  public boolean privateVarLog() {
    return privateVarLog;
  }

  @Override
  public String toString() {
    return "containerd '" + name + "' (bridge " + bridgeName + ", pods " + podSubnet
        + (netns == null ? "" : ", netns " + netns) + ")";
  }

  public static final class Builder {
    private String name = "podgate";
    private String bridgeName;
    private Ipv4Subnet podSubnet;
    private Path baseDir;
    private String sandboxImage = "podgate.local/pause:1";
    private Path containerdBinary;
    private Path cniBinDir;
    private Duration readyTimeout = Duration.ofSeconds(30);
    private Duration stopTimeout = Duration.ofSeconds(10);
    private String netns;
    private ConfigWriter config;
    private boolean awaitNetworkReady = true;
    private boolean outlivesJvm;
    private Map<String, String> environment = new LinkedHashMap<>();
    private boolean privateVarLog;
    private boolean cniPortmap;

    private Builder() {}

    /**
     * Publishes host ports through CNI's portmap plugin in the CNI chain, as a kubelet's node does, instead
     * of podgate's own rules (which only pods made through podgate get). portmap costs about 35 iptables
     * commands per pod with host ports. Default false; a daemon in a network namespace always uses portmap.
     */
    public Builder cniPortmap(boolean cniPortmap) {
      this.cniPortmap = cniPortmap;
      return this;
    }

    /**
     * Runs the daemon (and its shims) in a mount namespace of its own, a slave of the host's, in which
     * {@code /var/log} is the directory {@code <baseDir>/var-log}; the host's mounts are not changed. A
     * kubelet that joins it ({@code nsenter --mount=/proc/<pid>/ns/mnt}) then keeps {@code /var/log/pods}
     * apart from other kubelets on this host, whose container GC would delete log directories of pods it
     * does not know. Default false.
     */
    public Builder privateVarLog(boolean privateVarLog) {
      this.privateVarLog = privateVarLog;
      return this;
    }

    /**
     * Sets {@code name=value} in the daemon's environment, over this JVM's (e.g. {@code HTTPS_PROXY}:
     * containerd's image pulls honour the proxy variables; an empty value hides the JVM's one).
     */
    public Builder environment(String name, String value) {
      if (name == null || name.isEmpty() || name.contains("=") || value == null) {
        throw new PodgateException("environment variable '" + name + "' = '" + value + "' for containerd '"
            + this.name + "' needs a name without '=' and a value (\"\" for an empty one)");
      }
      this.environment.put(name, value);
      return this;
    }

    /**
     * Starts the daemon in its own session ({@code setsid}) and adds no shutdown hook: it keeps running
     * after this JVM exits, and whoever reuses it stops it (default false).
     */
    public Builder outlivesJvm(boolean outlives) {
      this.outlivesJvm = outlives;
      return this;
    }

    /**
     * Runs containerd with the config {@code writer} writes instead of podgate's own (e.g. a
     * distribution's config moved to private paths). It must write {@code <base>/config.toml} with
     * root {@code <base>/root}, state {@code <base>/state}, gRPC socket {@code <base>/containerd.sock}
     * and ttrpc socket {@code <base>/containerd.sock.ttrpc}; a CNI conf dir {@code <base>/cni/net.d}
     * exists for it. Any conflist it writes must use {@link #bridgeName} and {@link #podSubnet}: the
     * host checks and the cleanup rely on them. podgate adds no masquerade rule for such a config.
     */
    public Builder config(ConfigWriter writer) {
      this.config = writer;
      return this;
    }

    /** Whether start() waits for NetworkReady too (default true); false for a daemon without CNI config. */
    public Builder awaitNetworkReady(boolean await) {
      this.awaitNetworkReady = await;
      return this;
    }

    /**
     * Runs the daemon inside the existing named network namespace {@code name} (see {@code ip netns});
     * its pod bridge and CNI iptables rules are then made there, not on the host. The caller owns the
     * namespace. Sockets and files stay on the host filesystem.
     */
    public Builder netns(String name) {
      this.netns = name;
      return this;
    }

    /** Lower-case letters, digits and '-', at most 32; names the CNI network and base directory. */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** Host bridge to create (at most 15 characters); must not exist yet. */
    public Builder bridgeName(String bridgeName) {
      this.bridgeName = bridgeName;
      return this;
    }

    /** Pod network in CIDR notation, e.g. 10.201.0.0/24; the gateway is its first address. */
    public Builder podSubnet(String cidr) {
      this.podSubnet = Ipv4Subnet.parse(cidr);
      return this;
    }

    /** Where root, state, socket and config go; must be empty or absent, and is deleted on close. */
    public Builder baseDir(Path baseDir) {
      this.baseDir = baseDir;
      return this;
    }

    public Builder sandboxImage(String sandboxImage) {
      this.sandboxImage = sandboxImage;
      return this;
    }

    public Builder containerdBinary(Path containerdBinary) {
      this.containerdBinary = containerdBinary;
      return this;
    }

    public Builder cniBinDir(Path cniBinDir) {
      this.cniBinDir = cniBinDir;
      return this;
    }

    public Builder readyTimeout(Duration readyTimeout) {
      this.readyTimeout = readyTimeout;
      return this;
    }

    /** How long close() waits after SIGTERM before it kills the daemon. */
    public Builder stopTimeout(Duration stopTimeout) {
      this.stopTimeout = stopTimeout;
      return this;
    }

    public ContainerdOptions build() {
      if (name == null || !NAME.matcher(name).matches()) {
        throw new PodgateException("embedded containerd name '" + name
            + "' must be 1-32 lower-case letters, digits or '-', starting with a letter or digit");
      }
      if (bridgeName == null || !BRIDGE.matcher(bridgeName).matches()) {
        throw new PodgateException("bridge name '" + bridgeName + "' for containerd '" + name
            + "' must be 1-15 characters of letters, digits, '_', '.' or '-' (a Linux interface name)");
      }
      if (podSubnet == null) {
        throw new PodgateException("containerd '" + name + "' needs a pod subnet, e.g. podSubnet(\"10.201.0.0/24\")");
      }
      if (podSubnet.prefix() > 29) {
        throw new PodgateException("pod subnet " + podSubnet + " of containerd '" + name
            + "' is too small; use /29 or larger");
      }
      if (sandboxImage == null || sandboxImage.isBlank()) {
        throw new PodgateException("containerd '" + name + "' needs a sandbox (pause) image reference");
      }
      Objects.requireNonNull(readyTimeout, "readyTimeout");
      Objects.requireNonNull(stopTimeout, "stopTimeout");
      if (netns != null && !NETNS.matcher(netns).matches()) {
        throw new PodgateException("network namespace name '" + netns + "' for containerd '" + name
            + "' must be 1-64 letters, digits, '_', '.' or '-'");
      }
      return new ContainerdOptions(this);
    }
  }

  /** Writes a containerd config under a base directory; see {@link Builder#config}. */
  @FunctionalInterface
  public interface ConfigWriter {
    /** Writes {@code baseDir/config.toml} (and any CNI conflist into {@code baseDir/cni/net.d}). */
    void write(Path baseDir, Path cniBinDir) throws IOException;
  }
}
