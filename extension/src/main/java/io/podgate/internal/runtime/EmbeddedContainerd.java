package io.podgate.internal.runtime;

import io.grpc.Status;
import io.podgate.PodgateException;
import io.podgate.internal.cri.CriClient;
import io.podgate.internal.cri.CriException;
import io.podgate.internal.cri.v1.RuntimeCondition;
import io.podgate.internal.cri.v1.StatusResponse;
import io.podgate.internal.host.FileTrees;
import io.podgate.internal.host.SharedHostPaths;
import io.podgate.internal.host.HostPortRules;
import io.podgate.internal.host.HostProcesses;
import io.podgate.internal.host.IptablesCleanup;
import io.podgate.internal.host.NetworkNamespaces;
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
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A private containerd (CRI plugin on) with its own root, state, socket, CNI config, bridge and pod
 * subnet, started as a child process. Several may run at once with distinct names, bridges and
 * subnets. {@link #close()} removes pods, stops the daemon and its shims, and deletes the bridge,
 * the iptables state for its subnet and its base directory.
 */
public final class EmbeddedContainerd implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(EmbeddedContainerd.class.getName());

  private static final String VAR_LOG = "var-log";
  private final ContainerdOptions options;
  private final Path baseDir;
  private final Path socket;
  private final Path logFile;
  private final Process process;
  private final CriClient cri;
  private final Thread shutdownHook;
  private boolean closed;

  private EmbeddedContainerd(ContainerdOptions options, Path baseDir, Process process) {
    this.options = options;
    this.baseDir = baseDir;
    this.socket = baseDir.resolve("containerd.sock");
    this.logFile = baseDir.resolve("containerd.log");
    this.process = process;
    this.cri = CriClient.connect(socket);
    this.shutdownHook = new Thread(this::closeQuietly, "podgate-stop-containerd-" + options.name());
  }

  /** Checks the host, writes config, starts containerd and waits until CRI reports runtime and network ready. */
  public static EmbeddedContainerd start(ContainerdOptions options) {
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
    NetworkPreflight.check(options);
    Path baseDir = ContainerdConfig.createBaseDir(options);
    EmbeddedContainerd daemon;
    try {
      SharedHostPaths.host().join(baseDir);
      if (options.config().isPresent()) {
        Files.createDirectories(baseDir.resolve("cni/net.d"));
        options.config().get().write(baseDir, cniBin);
        if (!Files.isRegularFile(baseDir.resolve("config.toml"))) {
          throw new PodgateException("the config writer of containerd '" + options.name() + "' wrote no "
              + baseDir.resolve("config.toml"));
        }
      } else {
        ContainerdConfig.write(options, baseDir, cniBin);
        addMasquerade(options);
      }
      List<String> command = new ArrayList<>();
      if (options.outlivesJvm() && Files.isExecutable(Path.of("/usr/bin/setsid"))) {
        command.add("/usr/bin/setsid"); // its own session: a Ctrl-C to the test's process group does not reach it
      }
      if (options.privateVarLog()) {
        // unshare and sh exec in place: the daemon keeps the pid of the process started here
        Path varLog = Files.createDirectories(baseDir.resolve(VAR_LOG));
        command.addAll(List.of("unshare", "--mount", "--propagation", "slave", "--", "sh", "-c",
            "mount --bind \"$0\" /var/log && exec \"$@\"", varLog.toString()));
      }
      options.netns().ifPresent(ns -> command.addAll(List.of("nsenter", "--net=" + NetworkNamespaces.path(ns), "--")));
      command.addAll(List.of(binary.toString(), "--config", baseDir.resolve("config.toml").toString()));
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(baseDir.resolve("containerd.log").toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      builder.environment().putAll(options.environment());
      Process process = builder.start();
      daemon = new EmbeddedContainerd(options, baseDir, process);
    } catch (IOException | RuntimeException e) {
      FileTrees.delete(baseDir);
      SharedHostPaths.host().leave(baseDir, m -> { });
      try {
        if (options.netns().isEmpty()) {
          IptablesCleanup.clean(options.podSubnet(), false);
        }
      } catch (RuntimeException cleaning) {
        e.addSuppressed(cleaning);
      }
      throw new PodgateException("could not start " + options + " with " + binary + ": " + e.getMessage(), e);
    }
    if (!options.outlivesJvm()) {
      Runtime.getRuntime().addShutdownHook(daemon.shutdownHook);
    }
    daemon.awaitReady();
    return daemon;
  }

  public ContainerdOptions options() {
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

  /**
   * With {@link ContainerdOptions#privateVarLog()}: the host's path of the directory that is {@code /var/log}
   * in the daemon's mount namespace ({@code /proc/<pid>/ns/mnt}); else empty.
   */
  public Optional<Path> privateVarLog() {
    return options.privateVarLog() ? Optional.of(baseDir.resolve(VAR_LOG)) : Optional.empty();
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
    ContainerdConfig.addInsecureRegistry(baseDir, hostPort);
  }

  /** The last {@code lines} lines of containerd's log. */
  public String logTail(int lines) {
    return tail(logFile, lines);
  }

  // ---- start ----

  /**
   * Masquerades what leaves the pod subnet with one rule for the whole subnet (the CNI config has
   * ipMasq off: per pod, the bridge plugin's chain costs about 40 ms of iptables calls on each
   * RunPodSandbox and 30 on each teardown). A leftover of a crashed run with this subnet is replaced.
   */
  private static void addMasquerade(ContainerdOptions options) {
    List<String> inNamespace = options.netns()
        .map(ns -> List.of("nsenter", "--net=" + NetworkNamespaces.path(ns), "--")).orElse(List.of());
    IptablesCleanup.installMasquerade(inNamespace, options.podSubnet(), "podgate " + options.name() + " pods");
    if (options.podgateHostPorts()) {
      HostPortRules.install(options.podSubnet(), "podgate " + options.name());
    }
  }


  private static Path resolveBinary(ContainerdOptions options) {
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
        + " apt-get install containerd) or set the binary with ContainerdOptions.builder().containerdBinary(...)");
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
    ContainerdTeardown teardown = new ContainerdTeardown(options, baseDir, socket, process, cri);
    teardown.run();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException | IllegalArgumentException e) {
      // the JVM is shutting down (this may be the hook itself) or it was never added
    }
    teardown.throwIfProblems();
  }

  private void closeQuietly() {
    try {
      close();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, e.getMessage());
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
