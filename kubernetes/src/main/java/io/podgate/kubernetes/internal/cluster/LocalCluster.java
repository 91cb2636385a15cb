package io.podgate.kubernetes.internal.cluster;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.podgate.PodgateException;
import io.podgate.internal.host.FileTrees;
import io.podgate.internal.host.HostLock;
import io.podgate.internal.host.HostRestore;
import io.podgate.internal.host.HostRestoreManifest;
import io.podgate.internal.host.Ipv4Subnet;
import io.podgate.internal.host.NetworkNamespaces;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A Kubernetes v1.20 cluster on this host: etcd, kube-apiserver, kube-controller-manager and
 * kube-scheduler on free ports of 127.0.0.1 (the apiserver on {@link LocalClusterOptions#apiserverAddress()}),
 * and one kubelet per {@link LocalClusterOptions.Node} on that node's containerd, in the node's network
 * namespace when it has one; {@link #addNode} and {@link #removeNode} add and remove kubelets while it runs.
 * Certificates and kubeconfigs are made per run under the work dir.
 *
 * <p>Everything started and every host change (the kubelet's sysctls and fixed paths, its bind
 * mounts, the node links podgate adds, the pods the kubelets left on the node containerds) is
 * recorded in a {@link HostRestoreManifest} in the work dir before it happens; {@link #close()}
 * undoes it, and so does the session watchdog when the JVM is killed. Kubelets use fixed host paths,
 * so a host-wide lock ({@value #HOST_LOCK}) is held while they run: a second cluster on the host waits.
 */
public final class LocalCluster implements AutoCloseable {
  public static final String HOST_LOCK = "/run/lock/podgate-kubelet.lock";
  /** Sysctls the kubelet sets with protectKernelDefaults=false (the last three were seen unchanged). */
  static final List<String> SYSCTLS = List.of("vm.overcommit_memory", "kernel.panic", "kernel.panic_on_oops",
      "vm.panic_on_oom", "kernel.keys.root_maxkeys", "kernel.keys.root_maxbytes");
  /** Host paths the kubelet creates whatever its --root-dir (and the apiserver's default cert dir). */
  static final List<Path> FIXED_PATHS = Stream.of("/var/lib/kubelet", "/var/log/pods", "/var/log/containers",
      "/usr/libexec/kubernetes", "/var/run/kubernetes").map(Path::of).toList();
  /** The label every kubelet-made CRI sandbox carries. */
  static final String KUBELET_SANDBOX_LABEL = "io.kubernetes.pod.uid";
  private static final System.Logger LOG = System.getLogger(LocalCluster.class.getName());

  private final LocalClusterOptions options;
  private final HostRestoreManifest manifest;
  private final Path logs;
  private final Map<String, Process> processes = new LinkedHashMap<>();
  private final Map<String, Long> startNanos = new LinkedHashMap<>();
  private final Map<String, Duration> startup = new LinkedHashMap<>();
  private final Map<String, LocalClusterOptions.Node> added = new LinkedHashMap<>();
  private HostLock lock;
  private ClusterBinaries bin;
  private ClusterPki pki;
  private KubernetesClient client;
  private Path adminKubeconfig;
  private String serverUrl;
  private String version;
  private boolean closed;

  private LocalCluster(LocalClusterOptions options, HostRestoreManifest manifest) {
    this.options = options;
    this.manifest = manifest;
    this.logs = options.workDir().resolve("logs");
  }

  /**
   * Starts the cluster and waits until every node is Ready.
   *
   * @throws PodgateException when binaries are missing (naming ci/k8s-binaries), the work dir is in use,
   *     or a component fails or is not ready in time (quoting its log); nothing is left behind then
   */
  public static LocalCluster start(LocalClusterOptions options) {
    ClusterBinaries bin = ClusterBinaries.find();
    for (LocalClusterOptions.Node n : options.nodes()) {
      if (!Files.exists(n.criSocket())) {
        throw new PodgateException(options + ": node " + n.name() + ": its CRI socket " + n.criSocket()
            + " does not exist; start the node's containerd first");
      }
    }
    Path work = options.workDir();
    try {
      if (Files.exists(work)) {
        try (Stream<Path> s = Files.list(work)) {
          if (s.findAny().isPresent()) {
            throw new PodgateException(options + ": the work dir " + work + " is not empty; give a fresh one per run");
          }
        }
      }
      Files.createDirectories(work.resolve("logs"));
    } catch (IOException e) {
      throw new PodgateException(options + ": cannot create the work dir " + work + ": " + e.getMessage(), e);
    }
    HostRestoreManifest manifest = HostRestoreManifest.create(work);
    manifest.add("dir", work.toString());
    manifest.add("unmount-under", work.toString());
    LocalCluster cluster = new LocalCluster(options, manifest);
    try {
      cluster.run(bin);
      return cluster;
    } catch (RuntimeException e) {
      try {
        cluster.close();
      } catch (RuntimeException closing) {
        e.addSuppressed(closing);
      }
      throw e instanceof PodgateException ? e : new PodgateException(options + " did not start: " + e.getMessage(), e);
    }
  }

  private void run(ClusterBinaries bin) {
    this.bin = bin;
    Path work = options.workDir();
    List<LocalClusterOptions.Node> nodes = options.nodes();
    String serviceIp = Ipv4Subnet.parse(options.serviceSubnet()).gateway();
    List<String> apiserverIps = new ArrayList<>(List.of("127.0.0.1", serviceIp));
    if (!apiserverIps.contains(options.apiserverAddress())) {
      apiserverIps.add(options.apiserverAddress());
    }
    nodes.forEach(n -> apiserverIps.add(n.ip()));
    pki = ClusterPki.create(work.resolve("pki"), options.name(), apiserverIps,
        nodes.stream().map(LocalClusterOptions.Node::name).toList(), nodes.stream().map(LocalClusterOptions.Node::ip).toList());
    int etcdPort = freePort();
    int etcdPeerPort = freePort();
    int apiPort = freePort();
    serverUrl = "https://" + options.apiserverAddress() + ":" + apiPort;
    try {
      adminKubeconfig = pki.kubeconfig(work.resolve("admin.kubeconfig"), options.name(), serverUrl, "admin");
      pki.kubeconfig(work.resolve("controller-manager.kubeconfig"), options.name(), serverUrl, "controller-manager");
      pki.kubeconfig(work.resolve("scheduler.kubeconfig"), options.name(), serverUrl, "scheduler");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }

    String etcdUrl = "http://127.0.0.1:" + etcdPort;
    start("etcd", List.of(bin.etcd().toString(), "--name", options.name(), "--data-dir", work.resolve("etcd").toString(),
        "--listen-client-urls", etcdUrl, "--advertise-client-urls", etcdUrl,
        "--listen-peer-urls", "http://127.0.0.1:" + etcdPeerPort,
        "--initial-advertise-peer-urls", "http://127.0.0.1:" + etcdPeerPort,
        "--initial-cluster", options.name() + "=http://127.0.0.1:" + etcdPeerPort,
        "--listen-metrics-urls", "http://127.0.0.1:" + freePort(), "--log-outputs", "stderr"));
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    await("etcd", "etcd /health on " + etcdUrl, () -> {
      try {
        return http.send(HttpRequest.newBuilder(URI.create(etcdUrl + "/health")).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PodgateException("interrupted", e);
      }
    });

    for (LocalClusterOptions.Node n : nodes) {
      if (n.netns().isEmpty() && n.ip().equals(options.apiserverAddress())) {
        ensureNodeIp(n); // the apiserver listens on it, so that nodes added in network namespaces reach it
      }
    }
    start("kube-apiserver", List.of(bin.apiserver().toString(), "--etcd-servers=" + etcdUrl,
        "--bind-address=" + options.apiserverAddress(), "--secure-port=" + apiPort, "--insecure-port=0",
        "--advertise-address=" + nodes.get(0).ip(),
        "--tls-cert-file=" + pki.crt("apiserver"), "--tls-private-key-file=" + pki.key("apiserver"),
        "--client-ca-file=" + pki.crt("ca"),
        "--service-account-issuer=https://kubernetes.default.svc",
        "--service-account-signing-key-file=" + pki.file("sa.key"), "--service-account-key-file=" + pki.file("sa.pub"),
        "--service-cluster-ip-range=" + options.serviceSubnet(),
        "--authorization-mode=Node,RBAC", "--enable-admission-plugins=NodeRestriction", "--allow-privileged=true",
        "--kubelet-client-certificate=" + pki.crt("apiserver-kubelet-client"),
        "--kubelet-client-key=" + pki.key("apiserver-kubelet-client"),
        "--kubelet-certificate-authority=" + pki.crt("ca"),
        "--kubelet-preferred-address-types=InternalIP,Hostname",
        "--cert-dir=" + work.resolve("apiserver-certs"), "--profiling=false"));
    client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(null, adminKubeconfig.toFile())).build();
    await("kube-apiserver", "kube-apiserver /readyz on " + serverUrl, () -> {
      try {
        return "ok".equals(client.raw(serverUrl + "/readyz"));
      } catch (RuntimeException notYet) {
        return false;
      }
    });
    version = client.getKubernetesVersion().getGitVersion();

    start("kube-controller-manager", List.of(bin.controllerManager().toString(),
        "--kubeconfig=" + work.resolve("controller-manager.kubeconfig"),
        "--bind-address=127.0.0.1", "--secure-port=0", "--port=0", "--leader-elect=false",
        "--service-account-private-key-file=" + pki.file("sa.key"), "--root-ca-file=" + pki.crt("ca"),
        "--use-service-account-credentials=true", "--cluster-signing-cert-file=" + pki.crt("ca"),
        "--cluster-signing-key-file=" + pki.key("ca"),
        // else it creates /usr/libexec/kubernetes before the host lock is taken and the state recorded
        "--flex-volume-plugin-dir=" + work.resolve("controller-manager-flexvolume")));
    start("kube-scheduler", List.of(bin.scheduler().toString(), "--kubeconfig=" + work.resolve("scheduler.kubeconfig"),
        "--bind-address=127.0.0.1", "--secure-port=0", "--port=0", "--leader-elect=false"));

    lockHost();
    for (LocalClusterOptions.Node node : nodes) {
      startKubelet(node, List.of());
    }
    for (LocalClusterOptions.Node node : nodes) {
      await("kubelet-" + node.name(), "node " + node.name() + " Ready", () -> ready(node.name()));
    }
  }

  /** Takes the host lock, undoes a previous holder that died, and records the host state to restore. */
  private void lockHost() {
    lock = HostLock.acquire(Path.of(HOST_LOCK), options.lockTimeout(), message -> {
      LOG.log(System.Logger.Level.WARNING, options + ": " + message);
      System.err.println("podgate: " + options.name() + ": " + message);
    });
    List<String> left = HostRestore.restorePreviousHolder(lock);
    if (!left.isEmpty()) {
      throw new PodgateException(options + ": a previous local cluster whose JVM is gone (" + HOST_LOCK
          + ") could not be undone: " + left + "; fix these by hand");
    }
    manifest.add("lock", HOST_LOCK);
    for (String key : SYSCTLS) {
      if (Files.exists(HostRestore.sysctlPath(key))) {
        manifest.add("sysctl", key, HostRestore.readSysctl(key));
      }
    }
    for (Path p : FIXED_PATHS) {
      Path top = p;
      while (top.getParent() != null && !Files.exists(top.getParent())) {
        top = top.getParent();
      }
      if (!Files.exists(top)) {
        manifest.add("created", top.toString());
      }
    }
    HostRestore.recordShared(lock, manifest);
  }

  /**
   * Starts a kubelet for {@code node} on the running cluster and waits until the node is Ready. The node
   * registers with {@code taints} (e.g. {@code key=value:NoSchedule}, so that only pods pinned by nodeName land
   * there). Its kubelet is recorded like the others (ended by {@link #close()} and by the watchdog); {@link
   * #removeNode} ends it earlier. A node in a network namespace must reach {@link LocalClusterOptions#apiserverAddress()}.
   *
   * @throws PodgateException when the name or IP is taken, its CRI socket is absent, or it is not Ready in
   *     time (quoting the kubelet's log); the node is removed again then
   */
  public synchronized void addNode(LocalClusterOptions.Node node, List<String> taints) {
    if (closed || client == null) {
      throw new PodgateException(this + ": cannot add node " + node.name() + " to a cluster that is not running");
    }
    List<LocalClusterOptions.Node> all = new ArrayList<>(options.nodes());
    all.addAll(added.values());
    for (LocalClusterOptions.Node n : all) {
      if (n.name().equals(node.name()) || n.ip().equals(node.ip())) {
        throw new PodgateException(this + ": cannot add node " + node.name() + "@" + node.ip() + ": node " + n.name()
            + "@" + n.ip() + " has that name or address");
      }
    }
    if (!Files.exists(node.criSocket())) {
      throw new PodgateException(this + ": node " + node.name() + ": its CRI socket " + node.criSocket()
          + " does not exist; start the node's containerd first");
    }
    added.put(node.name(), node);
    try {
      pki.nodeCerts(node.name(), node.ip());
      startKubelet(node, taints);
      await("kubelet-" + node.name(), "node " + node.name() + " Ready", () -> ready(node.name()));
    } catch (IOException | RuntimeException e) {
      PodgateException failure = e instanceof PodgateException p ? p
          : new PodgateException(this + ": adding node " + node.name() + " failed: " + e.getMessage(), e);
      List<String> left = removeNode(node.name());
      if (!left.isEmpty()) {
        failure.addSuppressed(new PodgateException("removing node " + node.name() + " again left " + left));
      }
      throw failure;
    }
  }

  /**
   * Ends the kubelet of a node {@link #addNode added} earlier, deletes its Node object, removes the pod
   * sandboxes its kubelet left on the node's containerd, and deletes its directory; returns what could not be done.
   */
  public synchronized List<String> removeNode(String name) {
    LocalClusterOptions.Node node = added.remove(name);
    if (node == null) {
      return List.of("no added node " + name);
    }
    List<String> problems = new ArrayList<>();
    Process kubelet = processes.remove("kubelet-" + name);
    if (kubelet != null && kubelet.isAlive()
        && !io.podgate.internal.host.HostProcesses.endTree(kubelet.pid(), Duration.ofSeconds(5))) {
      problems.add("kubelet of node " + name + " (pid " + kubelet.pid() + ") did not end");
    }
    try {
      client.nodes().withName(name).delete();
    } catch (RuntimeException e) {
      problems.add("deleting Node " + name + ": " + e.getMessage());
    }
    problems.addAll(HostRestore.sweep(node.criSocket(), KUBELET_SANDBOX_LABEL));
    Path dir = options.workDir().resolve("nodes").resolve(name);
    problems.addAll(io.podgate.internal.host.Mounts.unmountUnder(dir));
    if (Files.exists(dir) && !FileTrees.delete(dir)) {
      problems.add("could not delete " + dir);
    }
    return problems;
  }

  private void startKubelet(LocalClusterOptions.Node node, List<String> taints) {
    Path dir = options.workDir().resolve("nodes").resolve(node.name());
    ensureNodeIp(node);
    manifest.add("cri-sweep", node.criSocket().toString(), KUBELET_SANDBOX_LABEL);
    int port = freePort();
    int healthz = freePort();
    Path config = dir.resolve("kubelet.yaml");
    Path kubeconfig = dir.resolve("kubelet.kubeconfig");
    try {
      Files.createDirectories(dir.resolve("root"));
      pki.kubeconfig(kubeconfig, options.name(), serverUrl, "node-" + node.name());
      Files.writeString(config, """
          apiVersion: kubelet.config.k8s.io/v1beta1
          kind: KubeletConfiguration
          address: %s
          port: %d
          readOnlyPort: 0
          healthzBindAddress: 127.0.0.1
          healthzPort: %d
          authentication:
            anonymous: {enabled: false}
            webhook: {enabled: false}
            x509: {clientCAFile: %s}
          authorization: {mode: AlwaysAllow}
          cgroupDriver: cgroupfs
          cgroupsPerQOS: false
          enforceNodeAllocatable: []
          failSwapOn: false
          makeIPTablesUtilChains: false
          protectKernelDefaults: false
          resolvConf: /etc/resolv.conf
          evictionHard: {"memory.available": "1Mi", "nodefs.available": "1%%", "imagefs.available": "1%%", "nodefs.inodesFree": "1%%"}
          imageGCHighThresholdPercent: 100
          imageGCLowThresholdPercent: 99
          serializeImagePulls: false
          nodeStatusUpdateFrequency: 1s
          tlsCertFile: %s
          tlsPrivateKeyFile: %s
          """.formatted(node.ip(), port, healthz, pki.crt("ca"), pki.crt("kubelet-" + node.name()),
          pki.key("kubelet-" + node.name())), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new PodgateException(options + ": cannot write the kubelet config of node " + node.name() + " under " + dir
          + ": " + e.getMessage(), e);
    }
    List<String> cmd = new ArrayList<>();
    node.netns().ifPresent(ns -> cmd.addAll(List.of("nsenter", "--net=" + NetworkNamespaces.path(ns), "--")));
    cmd.addAll(List.of(bin.kubelet().toString(), "--config=" + config, "--kubeconfig=" + kubeconfig,
        "--container-runtime=remote", "--container-runtime-endpoint=unix://" + node.criSocket(),
        "--root-dir=" + dir.resolve("root"), "--cert-dir=" + dir.resolve("pki"),
        "--volume-plugin-dir=" + dir.resolve("volume-plugins"), "--hostname-override=" + node.name(),
        "--node-ip=" + node.ip(), "--runtime-request-timeout=2m", "--v=2"));
    if (!taints.isEmpty()) {
      cmd.add("--register-with-taints=" + String.join(",", taints));
    }
    start("kubelet-" + node.name(), cmd);
  }

  /** Adds the node IP on a port-less bridge when no interface has it (this kernel has no dummy links). */
  private void ensureNodeIp(LocalClusterOptions.Node node) {
    List<String> ns = node.netns().map(n -> List.of("ip", "-n", n)).orElse(List.of("ip"));
    String addrs = exec(concat(ns, List.of("-o", "-4", "addr", "show")));
    if (addrs.contains(" " + node.ip() + "/")) {
      return;
    }
    String link = "pgk" + "%08x".formatted((options.workDir() + "/" + node.name()).hashCode());
    if (node.netns().isPresent()) {
      throw new PodgateException(options + ": node " + node.name() + " has no interface with " + node.ip()
          + " in network namespace " + node.netns().get() + "; give the node's address in that namespace");
    }
    manifest.add("link", link);
    for (List<String> c : List.of(List.of("link", "add", link, "type", "bridge"),
        List.of("addr", "add", node.ip() + "/32", "dev", link), List.of("link", "set", link, "up"))) {
      String out = execChecked(concat(ns, c));
      if (out != null) {
        throw new PodgateException(options + ": cannot add node address " + node.ip() + " on link " + link + ": " + out);
      }
    }
  }

  private boolean ready(String nodeName) {
    try {
      Node n = client.nodes().withName(nodeName).get();
      return n != null && n.getStatus() != null && n.getStatus().getConditions().stream()
          .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    } catch (RuntimeException notYet) {
      return false;
    }
  }

  private void start(String name, List<String> command) {
    Path log = logs.resolve(name + ".log");
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
    } catch (IOException e) {
      throw new PodgateException(options + ": cannot start " + name + " (" + command.get(0) + "): " + e.getMessage(), e);
    }
    processes.put(name, p);
    startNanos.put(name, System.nanoTime());
    manifest.process(p, name);
  }

  /**
   * Polls {@code condition} until true; fails quoting the log of {@code component} when time ran out,
   * or of any process that died.
   */
  private void await(String component, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + options.readyTimeout().toNanos();
    while (!condition.getAsBoolean()) {
      awaitOnce(component, what, deadline);
    }
    Long started = startNanos.get(component);
    if (started != null) {
      startup.put(what, Duration.ofNanos(System.nanoTime() - started));
    }
  }


  /** Fails quoting a log when a process died or the deadline passed, else sleeps a poll interval. */
  private void awaitOnce(String component, String what, long deadline) {
    for (Map.Entry<String, Process> e : processes.entrySet()) {
      if (!e.getValue().isAlive()) {
        throw new PodgateException(options + ": " + e.getKey() + " exited with status " + e.getValue().exitValue()
            + " while waiting for " + what + "; from its log " + logs.resolve(e.getKey() + ".log") + ":\n"
            + logExcerpt(e.getKey()));
      }
    }
    if (System.nanoTime() - deadline > 0) {
      throw new PodgateException(options + ": " + what + " not reached within " + options.readyTimeout().toSeconds()
          + " s; from " + logs.resolve(component + ".log") + ":\n" + logExcerpt(component));
    }
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PodgateException(options + ": interrupted while waiting for " + what, e);
    }
  }

  /** A log's fatal and panic lines (the reason a Go program died) with what follows them, else its last lines. */
  private String logExcerpt(String component) {
    List<String> all = logTail(component, 100_000).lines().toList();
    for (int i = 0; i < all.size(); i++) {
      String l = all.get(i);
      if (l.matches("F\\d{4} .*") || l.startsWith("panic:") || l.startsWith("fatal error:")) {
        int end = i + 1;
        while (end < all.size() && end < i + 12 && !(l.startsWith("F") && all.get(end).startsWith("goroutine "))) {
          end++; // klog's fatal dumps every goroutine: its reason is the F line alone
        }
        return String.join("\n", all.subList(i, end));
      }
    }
    return String.join("\n", all.subList(Math.max(0, all.size() - 25), all.size()));
  }

  /** The last {@code lines} lines of a component's log (etcd, kube-apiserver, kubelet-&lt;node&gt;, ...). */
  public String logTail(String component, int lines) {
    try {
      List<String> all = Files.readAllLines(logs.resolve(component + ".log"), StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** The admin (system:masters) kubeconfig of this run. */
  public Path adminKubeconfig() {
    return adminKubeconfig;
  }

  /** The apiserver's URL, {@code https://<apiserverAddress, default 127.0.0.1>:<port>}. */
  public String serverUrl() {
    return serverUrl;
  }

  /** The node names, in the order of the options. */
  public synchronized List<String> nodeNames() {
    List<String> names = new ArrayList<>(options.nodes().stream().map(LocalClusterOptions.Node::name).toList());
    names.addAll(added.keySet());
    return names;
  }

  /** The apiserver's git version, e.g. {@code v1.20.2}. */
  public String version() {
    return version;
  }

  public LocalClusterOptions options() {
    return options;
  }

  /** PIDs of the cluster's processes by component name (etcd, kube-apiserver, ..., kubelet-&lt;node&gt;). */
  public Map<String, Long> pids() {
    Map<String, Long> out = new LinkedHashMap<>();
    processes.forEach((k, v) -> out.put(k, v.pid()));
    return out;
  }

  /**
   * How long each readiness took from its process's start, e.g. "node pg-node-a Ready" (from the
   * kubelet's start), "kube-apiserver /readyz on ..." (from the apiserver's start).
   */
  public Map<String, Duration> startupTimes() {
    return Map.copyOf(startup);
  }

  /** The manifest the watchdog acts on if this JVM dies. */
  public Path restoreManifest() {
    return manifest.file();
  }

  /**
   * Stops the kubelets, removes the pods they left on the node containerds, stops the control plane
   * and etcd, unmounts, restores the sysctls and removes the host paths the kubelets created, the
   * node links podgate added and the work dir; then releases the host lock.
   *
   * @throws PodgateException listing what could not be undone
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (client != null) {
      client.close();
    }
    List<String> problems;
    try {
      problems = HostRestore.clean(manifest, lock != null, Duration.ZERO);
      if (lock != null && problems.isEmpty()) {
        lock.write("");
      }
    } finally {
      if (lock != null) {
        lock.close();
      }
    }
    if (Files.exists(options.workDir())) {
      FileTrees.delete(options.workDir());
    }
    if (!problems.isEmpty()) {
      throw new PodgateException(options + ": closing left " + problems);
    }
  }

  @Override
  public String toString() {
    return options + (serverUrl == null ? "" : " at " + serverUrl);
  }

  // ---- small helpers ----

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new PodgateException("cannot find a free port on 127.0.0.1: " + e.getMessage(), e);
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static String exec(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      return out;
    } catch (IOException e) {
      throw new PodgateException("cannot run " + cmd + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PodgateException("interrupted running " + cmd, e);
    }
  }

  /** Null when {@code cmd} succeeded, else its output. */
  private static String execChecked(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return p.waitFor() == 0 ? null : String.join(" ", cmd) + ": " + out.strip();
    } catch (IOException e) {
      return String.join(" ", cmd) + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }
}
