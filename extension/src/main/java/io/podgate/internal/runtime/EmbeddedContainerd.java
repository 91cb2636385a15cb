package io.podgate.internal.runtime;

import io.podgate.internal.host.CniResults;
import io.podgate.internal.host.FileTrees;
import io.podgate.internal.host.HostCommand;
import io.podgate.internal.host.HostNetwork;
import io.podgate.internal.host.HostUser;
import io.podgate.internal.host.Mounts;
import io.podgate.internal.host.NetworkNamespaces;
import io.podgate.internal.host.HostProcesses;
import io.podgate.internal.host.IptablesCleanup;
import io.podgate.internal.host.RuncLeftovers;
import io.podgate.internal.host.SandboxRemoval;
import io.podgate.internal.host.Ipv4Subnet;
import io.podgate.Pod;
import io.podgate.PodgateException;
import io.grpc.Status;
import io.podgate.internal.cri.CriClient;
import io.podgate.internal.cri.CriException;
import io.podgate.internal.cri.v1.PodSandbox;
import io.podgate.internal.cri.v1.RuntimeCondition;
import io.podgate.internal.cri.v1.StatusResponse;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A private containerd (CRI plugin on) with its own root, state, socket, CNI config, bridge and pod
 * subnet, started as a child process. Several may run at once with distinct names, bridges and
 * subnets. {@link #close()} removes pods, stops the daemon and its shims, and deletes the bridge,
 * the iptables state for its subnet and its base directory.
 */
public final class EmbeddedContainerd implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(EmbeddedContainerd.class.getName());
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
  private static final Pattern BRIDGE = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
  private static final Pattern NETNS = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9.-]+(:[0-9]{1,5})?");
  private static final int MAX_SOCKET_PATH = 107;

  /** How to start one embedded containerd. */
  public static final class Options {
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

    private Options(Builder b) {
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
    }

    public static Builder builder() {
      return new Builder();
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

    /** The writer of a config other than podgate's own, if one was given. */
    public Optional<ConfigWriter> config() {
      return Optional.ofNullable(config);
    }

    public boolean awaitNetworkReady() {
      return awaitNetworkReady;
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

      private Builder() {}

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

      public Options build() {
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
        return new Options(this);
      }
    }
  }

  /** Writes a containerd config under a base directory; see {@link Options.Builder#config}. */
  @FunctionalInterface
  public interface ConfigWriter {
    /** Writes {@code baseDir/config.toml} (and any CNI conflist into {@code baseDir/cni/net.d}). */
    void write(Path baseDir, Path cniBinDir) throws IOException;
  }

  private final Options options;
  private final Path baseDir;
  private final Path socket;
  private final Path logFile;
  private final Process process;
  private final CriClient cri;
  private final Thread shutdownHook;
  private boolean closed;

  private EmbeddedContainerd(Options options, Path baseDir, Process process) {
    this.options = options;
    this.baseDir = baseDir;
    this.socket = baseDir.resolve("containerd.sock");
    this.logFile = baseDir.resolve("containerd.log");
    this.process = process;
    this.cri = CriClient.connect(socket);
    this.shutdownHook = new Thread(this::closeQuietly, "podgate-stop-containerd-" + options.name());
  }

  /** Checks the host, writes config, starts containerd and waits until CRI reports runtime and network ready. */
  public static EmbeddedContainerd start(Options options) {
    Path binary = resolveBinary(options);
    Path cniBin = options.cniBinDir().orElse(null);
    if (cniBin != null) {
      if (!CniBinDir.missing(cniBin).isEmpty()) {
        throw new PodgateException("CNI plugin directory " + cniBin + " given for containerd '" + options.name()
            + "' lacks " + CniBinDir.missing(cniBin) + "; point cniBinDir at a directory holding "
            + CniBinDir.REQUIRED_PLUGINS);
      }
    } else {
      cniBin = CniBinDir.find();
    }
    preflightHost(options);
    Path baseDir = createBaseDir(options);
    EmbeddedContainerd daemon;
    try {
      if (options.config().isPresent()) {
        Files.createDirectories(baseDir.resolve("cni/net.d"));
        options.config().get().write(baseDir, cniBin);
        if (!Files.isRegularFile(baseDir.resolve("config.toml"))) {
          throw new PodgateException("the config writer of containerd '" + options.name() + "' wrote no "
              + baseDir.resolve("config.toml"));
        }
      } else {
        writeConfig(options, baseDir, cniBin);
        addMasquerade(options);
      }
      List<String> command = new ArrayList<>();
      options.netns().ifPresent(ns -> command.addAll(List.of("nsenter", "--net=" + NetworkNamespaces.path(ns), "--")));
      command.addAll(List.of(binary.toString(), "--config", baseDir.resolve("config.toml").toString()));
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(baseDir.resolve("containerd.log").toFile()))
              .start();
      daemon = new EmbeddedContainerd(options, baseDir, process);
    } catch (IOException | RuntimeException e) {
      FileTrees.delete(baseDir);
      try {
        if (options.netns().isEmpty()) {
          IptablesCleanup.clean(options.podSubnet(), false);
        }
      } catch (RuntimeException cleaning) {
        e.addSuppressed(cleaning);
      }
      throw new PodgateException("could not start " + options + " with " + binary + ": " + e.getMessage(), e);
    }
    Runtime.getRuntime().addShutdownHook(daemon.shutdownHook);
    daemon.awaitReady();
    return daemon;
  }

  public Options options() {
    return options;
  }

  public Path baseDir() {
    return baseDir;
  }

  /** The daemon's gRPC socket (CRI and containerd services). */
  public Path socket() {
    return socket;
  }

  /** A CRI client on {@link #socket()}, owned (and closed) by this daemon. */
  public CriClient cri() {
    return cri;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isRunning() {
    return process.isAlive();
  }

  public Path logFile() {
    return logFile;
  }

  /** The gateway (bridge) address of the pod subnet. */
  public String gateway() {
    return options.podSubnet().gateway();
  }

  /** PIDs of the shims this daemon started (found by their -address argument). */
  public List<Long> shimPids() {
    return HostProcesses.shimsOf(socket);
  }

  /** Lets this daemon pull from {@code hostPort} (e.g. 127.0.0.1:5000) over plain HTTP. */
  public void insecureRegistry(String hostPort) {
    if (hostPort == null || !HOST_PORT.matcher(hostPort).matches()) {
      throw new PodgateException("insecure registry '" + hostPort + "' must be host or host:port, e.g. 127.0.0.1:5000");
    }
    Path dir = baseDir.resolve("certs.d").resolve(hostPort);
    String url = "http://" + hostPort;
    String toml = "server = \"" + url + "\"\n\n[host.\"" + url + "\"]\n  capabilities = [\"pull\", \"resolve\"]\n"
        + "  skip_verify = true\n";
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("hosts.toml"), toml);
    } catch (IOException e) {
      throw new PodgateException("could not write " + dir.resolve("hosts.toml") + " for insecure registry " + hostPort
          + ": " + e.getMessage(), e);
    }
  }

  /** The last {@code lines} lines of containerd's log. */
  public String logTail(int lines) {
    return tail(logFile, lines);
  }

  // ---- start ----

  private static Path resolveBinary(Options options) {
    if (options.containerdBinary().isPresent()) {
      Path b = options.containerdBinary().get();
      if (!Files.isRegularFile(b) || !Files.isExecutable(b)) {
        throw new PodgateException("containerd binary " + b + " given for containerd '" + options.name()
            + "' is not an executable file; install the containerd package (Debian: apt-get install containerd)"
            + " or point containerdBinary at the containerd executable");
      }
      return b;
    }
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, "containerd");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new PodgateException("containerd is not on PATH (" + path + "); install the containerd package (Debian:"
        + " apt-get install containerd) or set the binary with EmbeddedContainerd.Options.containerdBinary(...)");
  }

  private static void preflightHost(Options options) {
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
  static List<NetworkClaim> runningClaims(Options options) {
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
  private static Optional<String> netnsIdentity(Options options) {
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

  /**
   * Masquerades what leaves the pod subnet with one rule for the whole subnet (the CNI config has
   * ipMasq off: per pod, the bridge plugin's chain costs about 40 ms of iptables calls on each
   * RunPodSandbox and 30 on each teardown). A leftover of a crashed run with this subnet is replaced.
   */
  private static void addMasquerade(Options options) {
    List<String> inNamespace = options.netns()
        .map(ns -> List.of("nsenter", "--net=" + NetworkNamespaces.path(ns), "--")).orElse(List.of());
    IptablesCleanup.installMasquerade(inNamespace, options.podSubnet(), "podgate " + options.name() + " pods");
  }

  private static List<String> ip(Options options, String... args) {
    List<String> c = new ArrayList<>(List.of("ip"));
    options.netns().ifPresent(ns -> c.addAll(List.of("-n", ns)));
    c.addAll(List.of(args));
    return c;
  }

  private static String where(Options options) {
    return options.netns().map(ns -> "in network namespace " + ns).orElse("on this host");
  }

  private static boolean bridgeExists(Options options) {
    if (options.netns().isEmpty()) {
      return HostNetwork.linkExists(options.bridgeName());
    }
    if (!Files.exists(NetworkNamespaces.path(options.netns().get()))) {
      return false;
    }
    return HostCommand.run(ip(options, "link", "show", "dev", options.bridgeName())).ok();
  }

  private static Path createBaseDir(Options options) {
    Path dir;
    try {
      if (options.baseDir().isPresent()) {
        dir = options.baseDir().get().toAbsolutePath();
        if (Files.exists(dir)) {
          try (Stream<Path> s = Files.list(dir)) {
            if (s.findAny().isPresent()) {
              throw new PodgateException("base directory " + dir + " of containerd '" + options.name()
                  + "' is not empty; podgate deletes it on close, so give it an empty or absent directory");
            }
          }
        } else {
          Files.createDirectories(dir);
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      } else {
        dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")),
            "podgate-" + options.name() + "-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
    } catch (IOException e) {
      throw new PodgateException("could not create the base directory of containerd '" + options.name() + "': "
          + e.getMessage(), e);
    }
    String longest = dir.resolve("containerd.sock.ttrpc").toString();
    if (longest.length() > MAX_SOCKET_PATH) {
      FileTrees.delete(dir);
      throw new PodgateException("base directory " + dir + " of containerd '" + options.name()
          + "' is too deep: socket path " + longest + " exceeds " + MAX_SOCKET_PATH
          + " bytes (unix socket limit); choose a shorter baseDir");
    }
    return dir;
  }

  static String configToml(Options options, Path baseDir, Path cniBin) {
    String cri = "plugins.\"io.containerd.grpc.v1.cri\"";
    return String.join("\n",
        "version = 2",
        "root = " + q(baseDir.resolve("root")),
        "state = " + q(baseDir.resolve("state")),
        "disabled_plugins = [\"io.containerd.internal.v1.opt\", \"io.containerd.snapshotter.v1.aufs\","
            + " \"io.containerd.snapshotter.v1.btrfs\", \"io.containerd.snapshotter.v1.devmapper\","
            + " \"io.containerd.snapshotter.v1.zfs\", \"io.containerd.tracing.processor.v1.otlp\"]",
        "",
        "[grpc]",
        "  address = " + q(baseDir.resolve("containerd.sock")),
        "[ttrpc]",
        "  address = " + q(baseDir.resolve("containerd.sock.ttrpc")),
        "[debug]",
        "  address = " + q(baseDir.resolve("debug.sock")),
        "  level = \"info\"",
        "[metrics]",
        "  address = \"\"",
        "",
        "[" + cri + "]",
        "  sandbox_image = " + q(options.sandboxImage()),
        "  restrict_oom_score_adj = true",
        "  stream_server_address = \"127.0.0.1\"",
        "  stream_server_port = \"0\"",
        "[" + cri + ".containerd]",
        "  snapshotter = \"overlayfs\"",
        "  default_runtime_name = \"runc\"",
        "[" + cri + ".containerd.runtimes.runc]",
        "  runtime_type = \"io.containerd.runc.v2\"",
        "[" + cri + ".containerd.runtimes.runc.options]",
        "  SystemdCgroup = false",
        "[" + cri + ".cni]",
        "  bin_dir = " + q(cniBin),
        "  conf_dir = " + q(baseDir.resolve("cni/net.d")),
        "  max_conf_num = 1",
        "[" + cri + ".registry]",
        "  config_path = " + q(baseDir.resolve("certs.d")),
        "");
  }

  static String conflist(Options options, Path baseDir) {
    Ipv4Subnet subnet = options.podSubnet();
    return "{\n"
        + "  \"cniVersion\": \"0.4.0\",\n"
        + "  \"name\": \"podgate-" + options.name() + "\",\n"
        + "  \"plugins\": [\n"
        + "    {\n"
        + "      \"type\": \"bridge\",\n"
        + "      \"bridge\": \"" + options.bridgeName() + "\",\n"
        + "      \"isGateway\": true,\n"
        + "      \"ipMasq\": false,\n"
        + "      \"hairpinMode\": true,\n"
        + "      \"ipam\": {\n"
        + "        \"type\": \"host-local\",\n"
        + "        \"ranges\": [[{\"subnet\": \"" + subnet + "\", \"gateway\": \"" + subnet.gateway() + "\"}]],\n"
        + "        \"routes\": [{\"dst\": \"0.0.0.0/0\"}],\n"
        + "        \"dataDir\": " + jq(baseDir.resolve("cni/ipam")) + "\n"
        + "      }\n"
        + "    },\n"
        + "    {\"type\": \"portmap\", \"capabilities\": {\"portMappings\": true}}\n"
        + "  ]\n"
        + "}\n";
  }

  private static void writeConfig(Options options, Path baseDir, Path cniBin) throws IOException {
    Files.createDirectories(baseDir.resolve("cni/net.d"));
    Files.createDirectories(baseDir.resolve("cni/ipam"));
    Files.createDirectories(baseDir.resolve("certs.d"));
    Files.writeString(baseDir.resolve("config.toml"), configToml(options, baseDir, cniBin));
    Files.writeString(baseDir.resolve("cni/net.d/10-podgate-" + options.name() + ".conflist"),
        conflist(options, baseDir));
  }

  private static String q(Object value) {
    return "\"" + value.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String jq(Object value) {
    return q(value);
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + options.readyTimeout().toNanos();
    String last = "its CRI socket " + socket + " never appeared";
    CriClient quick = cri.withDeadline(Duration.ofSeconds(2));
    for (boolean first = true; ; first = false) {
      if (!first && System.nanoTime() - deadline > 0) {
        fail("containerd did not report RuntimeReady" + (options.awaitNetworkReady() ? " and NetworkReady" : "")
            + " within " + options.readyTimeout()
            + " (last seen: " + last + ")", null);
      }
      if (!process.isAlive()) {
        fail("containerd exited with code " + process.exitValue() + " before it became ready", null);
      }
      if (Files.exists(socket)) {
        try {
          StatusResponse status = quick.status();
          if (CriClient.conditionMet(status, "RuntimeReady")
              && (!options.awaitNetworkReady() || CriClient.conditionMet(status, "NetworkReady"))) {
            restrictSockets();
            return;
          }
          last = "CRI status: " + status.getStatus().getConditionsList().stream()
              .map(EmbeddedContainerd::describe).collect(Collectors.joining("; "));
        } catch (CriException e) {
          last = e.getMessage();
          Optional<String> criFailed = logLine("failed to load plugin io.containerd.grpc.v1.cri");
          if (e.code() == Status.Code.UNIMPLEMENTED && criFailed.isPresent()) {
            fail("containerd runs but its CRI plugin failed to load: " + criFailed.get(), e);
          }
        } catch (RuntimeException e) {
          last = e.getMessage();
        }
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted while waiting for containerd to become ready", e);
      }
    }
  }

  /** containerd makes its sockets 0660 (group root); only root needs them, and the directory is 0700 anyway. */
  private void restrictSockets() {
    for (String name : List.of("containerd.sock", "containerd.sock.ttrpc", "debug.sock")) {
      Path sock = baseDir.resolve(name);
      try {
        if (Files.exists(sock)) {
          Files.setPosixFilePermissions(sock, PosixFilePermissions.fromString("rw-------"));
        }
      } catch (IOException e) {
        fail("could not make " + sock + " private (chmod 0600): " + e.getMessage(), e);
      }
    }
  }

  private Optional<String> logLine(String containing) {
    return tail(logFile, 400).lines().filter(l -> l.contains(containing)).findFirst();
  }

  private static String describe(RuntimeCondition c) {
    return c.getType() + "=" + c.getStatus() + (c.getReason().isEmpty() ? "" : " " + c.getReason())
        + (c.getMessage().isEmpty() ? "" : " (" + c.getMessage() + ")");
  }

  private void fail(String why, Throwable cause) {
    String logTail = logTail(40);
    PodgateException e = new PodgateException(options + " at " + baseDir + ": " + why
        + ". Last lines of " + logFile + ":\n" + logTail, cause);
    try {
      close();
    } catch (RuntimeException closeProblem) {
      e.addSuppressed(closeProblem);
    }
    throw e;
  }

  // ---- close ----

  /** Stops everything this daemon made; safe to call twice. Problems are collected and thrown together. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<String> problems = new ArrayList<>();
    List<Throwable> causes = new ArrayList<>();
    Step step = (what, action) -> {
      try {
        action.run();
      } catch (RuntimeException e) {
        problems.add(what + ": " + e.getMessage());
        causes.add(e);
      }
    };
    if (process.isAlive()) {
      step.run("removing pods", () -> removePods(problems));
    }
    step.run("closing the CRI client", cri::close);
    step.run("stopping containerd (pid " + process.pid() + ")", this::stopDaemon);
    step.run("ending shims", this::endShims);
    step.run("deleting CNI result caches", this::deleteCniResults);
    step.run("deleting runc state and cgroups", this::deleteRuncState);
    step.run("unmounting under " + baseDir, this::unmountUnderBaseDir);
    step.run("deleting bridge " + options.bridgeName(), this::deleteBridge);
    step.run("removing iptables rules for " + options.podSubnet(), this::cleanIptables);
    step.run("deleting " + baseDir, () -> {
      if (!FileTrees.delete(baseDir)) {
        throw new PodgateException("some files could not be deleted");
      }
    });
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException | IllegalArgumentException e) {
      // the JVM is shutting down (this may be the hook itself) or it was never added
    }
    if (!problems.isEmpty()) {
      PodgateException e = new PodgateException("closing " + options + " left problems:\n  - "
          + String.join("\n  - ", problems));
      causes.forEach(e::addSuppressed);
      throw e;
    }
  }

  @FunctionalInterface
  private interface Step {
    void run(String what, Runnable action);
  }

  private void closeQuietly() {
    try {
      close();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, e.getMessage());
    }
  }

  private void removePods(List<String> problems) {
    CriClient c = cri.withDeadline(Duration.ofSeconds(60));
    for (PodSandbox pod : c.listPodSandbox()) {
      // a sandbox the runtime will not remove is fine here once its host side is gone: the daemon stops next
      SandboxRemoval.Outcome o = SandboxRemoval.remove(c, pod.getId());
      if (!o.hostClean()) {
        problems.add("removing pod " + pod.getMetadata().getName() + ": " + o.describe());
      }
    }
  }

  private void stopDaemon() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(options.stopTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          throw new PodgateException("containerd pid " + process.pid() + " survived SIGKILL for 10 s");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new PodgateException("interrupted while stopping containerd pid " + process.pid(), e);
    }
  }

  /** Ends shims left running (pods CRI could not remove) and the pod network namespaces they held. */
  private void endShims() {
    List<String> problems = NetworkNamespaces.endShimsAndTheirPods(List.of(socket), options.netns().stream().toList());
    if (!problems.isEmpty()) {
      throw new PodgateException(String.join("; ", problems));
    }
  }

  /** runc state and cgroups of containers whose rootfs lay under our base directory (left when their shim was killed). */
  private void deleteRuncState() {
    List<String> stayed = RuncLeftovers.deleteUnder(baseDir);
    if (!stayed.isEmpty()) {
      throw new PodgateException("could not delete " + String.join(", ", stayed));
    }
  }

  /** CNI result caches of pods whose sandbox directory is still in our root (CNI DEL never ran for them). */
  private void deleteCniResults() {
    List<String> stayed = CniResults.deleteOfSandboxesUnder(baseDir);
    if (!stayed.isEmpty()) {
      throw new PodgateException(String.join("; ", stayed));
    }
  }

  private void unmountUnderBaseDir() {
    List<String> stayed = Mounts.unmountUnder(baseDir);
    if (!stayed.isEmpty()) {
      throw new PodgateException(String.join("; ", stayed));
    }
  }

  private void deleteBridge() {
    if (bridgeExists(options)) {
      HostCommand.run(ip(options, "link", "del", options.bridgeName())).orThrow("deleting the pod bridge");
    }
  }

  private void cleanIptables() {
    if (options.netns().isPresent()) {
      return; // CNI wrote its rules in that namespace; they go when its owner deletes it
    }
    boolean othersRunning = !HostProcesses.containerdDaemons(process.pid()).isEmpty();
    IptablesCleanup.clean(options.podSubnet(), !othersRunning);
    List<String> left = IptablesCleanup.leftovers(options.podSubnet());
    if (!left.isEmpty()) {
      throw new PodgateException("rules still name " + options.podSubnet() + ": " + left);
    }
  }

  static String tail(Path file, int lines) {
    if (!Files.exists(file)) {
      return "(no log at " + file + ")";
    }
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long len = f.length();
      long from = Math.max(0, len - 64 * 1024);
      byte[] buf = new byte[(int) (len - from)];
      f.seek(from);
      f.readFully(buf);
      List<String> all = List.of(new String(buf, StandardCharsets.UTF_8).split("\n"));
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(could not read " + file + ": " + e.getMessage() + ")";
    }
  }

  @Override
  public String toString() {
    return options + " pid " + process.pid() + " at " + socket;
  }
}
