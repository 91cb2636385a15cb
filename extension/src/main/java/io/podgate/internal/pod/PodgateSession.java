package io.podgate.internal.pod;

import io.podgate.internal.runtime.ContainerdOptions;
import io.podgate.internal.host.PodgateLabels;
import io.podgate.PodgateException;
import io.podgate.internal.backend.PodBackends;
import io.podgate.internal.cri.CriClient;
import io.podgate.internal.host.HostPortRules;
import io.podgate.internal.host.Ipv4Subnet;
import io.podgate.internal.host.SandboxRemoval;
import io.podgate.internal.cri.v1.PodSandbox;
import io.podgate.internal.image.OciArchiveImporter;
import io.podgate.internal.image.StandardImages;
import io.podgate.internal.runtime.CriEndpoint;
import io.podgate.internal.runtime.EmbeddedContainerd;
import io.podgate.internal.runtime.RemovalHandOff;
import io.podgate.internal.runtime.RuntimeNotUsableException;
import io.podgate.internal.runtime.RuntimeReadiness;
import io.podgate.internal.runtime.RuntimeReuse;
import io.podgate.internal.runtime.SharedContainerd;
import io.podgate.internal.watchdog.RuntimeKeeper;
import io.podgate.internal.runtime.RuntimeStatus;
import io.podgate.internal.watchdog.Watchdog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * The per-JVM podgate session: one runtime (the configured CRI endpoint, else one embedded
 * containerd), the images made for it, the provisioner, and a watchdog process that removes the
 * session's pods (and stops the embedded daemon) if this JVM dies without closing it. Leases count
 * its users; the last one to close ends it.
 */
public final class PodgateSession {
  public static final String BRIDGE_PROPERTY = "podgate.bridge";
  public static final String SUBNET_PROPERTY = "podgate.subnet";
  /**
   * {@code true}: the embedded runtime publishes host ports through CNI's portmap plugin (the seed's chain)
   * instead of podgate's own rules; read when the runtime starts (a reused one keeps what it started with).
   * The local-cluster backend's kubelet runs on the runtime and always gets portmap.
   */
  public static final String CNI_PORTMAP_PROPERTY = "podgate.cni.portmap";
  public static final String WORKDIR_PROPERTY = "podgate.workdir";
  public static final String IMAGE_CACHE_PROPERTY = "podgate.imageCache";
  public static final String DEFAULT_BRIDGE = "podgate0";
  public static final String DEFAULT_SUBNET = "10.88.0.0/16";

  private static final long PID = ProcessHandle.current().pid();
  private static PodgateSession current;
  /** The last failed start and the configuration it had: not retried while the configuration stays the same. */
  private static FailedStart failedStart;

  private final String id;
  private final Path dir;
  private final CriClient cri;
  private final EmbeddedContainerd embedded;
  private final SharedContainerd.Attachment shared;
  private final String runtime;
  private final ExecutorService executor;
  private final PodProvisioner provisioner;
  /** Null on a reused runtime: its keeper watches this JVM. */
  private final Process watchdog;
  /** Null unless on a reused runtime. */
  private final RemovalHandOff handOff;
  /** On a reused runtime: starts its keeper again if it died during this session (else nobody stops it when idle). */
  private final Runnable keeperCheck;
  private final StandardImages images;
  private final List<String> notices;
  private int leases;
  private boolean ended;

  /** A hold on the session; closing the last one ends it. */
  public static final class Lease implements AutoCloseable {
    private final PodgateSession session;
    private boolean closed;

    private Lease(PodgateSession session) {
      this.session = session;
    }

    public PodgateSession session() {
      return session;
    }

    @Override
    public void close() {
      synchronized (PodgateSession.class) {
        if (closed) {
          return;
        }
        closed = true;
        if (--session.leases == 0 && current == session) {
          current = null;
          session.end();
        }
      }
    }
  }

  /** A start that failed, with the configuration (properties, environment) it was tried with. */
  private record FailedStart(String configuration, PodgateException failure) {
    PodgateException again() {
      return new PodgateException(failure.getMessage() + "\n(podgate tried this once in this JVM and does not retry"
          + " with the same configuration.)", failure);
    }
  }

  /**
   * Starts the session if needed and returns a lease on it. A session whose embedded containerd
   * died is ended (its leftovers removed) and replaced. Fails saying what was tried; a start that
   * failed is not tried again in this JVM while the configuration it read is unchanged (the same
   * failure is thrown at once).
   */
  public static synchronized Lease acquire() {
    if (current != null && !current.healthy()) {
      PodgateSession dead = current;
      current = null;
      try {
        dead.end();
      } catch (RuntimeException e) {
        System.getLogger(PodgateSession.class.getName()).log(System.Logger.Level.WARNING,
            "cleaning up after session " + dead.id + " whose containerd died: " + e.getMessage());
      }
    }
    if (current == null) {
      String configuration = configuration();
      if (failedStart != null && failedStart.configuration().equals(configuration)) {
        throw failedStart.again();
      }
      try {
        current = start();
        failedStart = null;
      } catch (PodgateException e) {
        failedStart = new FailedStart(configuration, e);
        throw e;
      }
    }
    current.leases++;
    return new Lease(current);
  }

  /** False once its embedded containerd is gone (killed, crashed); an endpoint session counts as healthy. */
  public boolean healthy() {
    return !ended && (embedded == null || embedded.isRunning()) && (shared == null || shared.alive());
  }

  /** What the runtime is, and if it died, that it did: for messages about failed calls. */
  public String describeRuntime() {
    if (embedded != null && !embedded.isRunning()) {
      return runtime + " (it is no longer running: killed or crashed; see " + embedded.logFile() + ")";
    }
    if (shared != null && !shared.state().alive()) {
      return runtime + " (it is no longer running: killed or crashed; see "
          + SharedContainerd.baseDir(shared.dir()).resolve("containerd.log") + ")";
    }
    return runtime;
  }

  /** What start() reads: a failed start is retried only when one of these changed. */
  private static String configuration() {
    return String.join("\n", java.util.Arrays.asList(System.getProperty(CriEndpoint.PROPERTY),
        System.getenv(CriEndpoint.ENV), System.getProperty(BRIDGE_PROPERTY), System.getProperty(SUBNET_PROPERTY),
        System.getProperty(WORKDIR_PROPERTY), System.getProperty(IMAGE_CACHE_PROPERTY),
        System.getProperty(SandboxImage.IMPORT_PROPERTY), String.valueOf(RegistryAuth.insecureHosts()),
        System.getProperty(RuntimeReuse.PROPERTY), System.getenv(RuntimeReuse.ENV), System.getenv("CI"),
        System.getProperty(RuntimeReuse.IDLE_PROPERTY), System.getProperty(CNI_PORTMAP_PROPERTY)));
  }

  /** Whether a session runs in this JVM now. */
  public static synchronized boolean active() {
    return current != null;
  }

  private PodgateSession(String id, Path dir, CriClient cri, EmbeddedContainerd embedded,
      SharedContainerd.Attachment shared, String runtime, StandardImages images, Process watchdog, List<String> notices,
      RemovalHandOff handOff, Runnable keeperCheck) {
    this.handOff = handOff;
    this.keeperCheck = keeperCheck;
    this.id = id;
    this.shared = shared;
    this.notices = List.copyOf(notices);
    this.dir = dir;
    this.cri = cri;
    this.embedded = embedded;
    this.runtime = runtime;
    this.watchdog = watchdog;
    this.images = images;
    this.executor = DaemonPools.cached("podgate-" + id);
    String network = embedded != null ? "pod subnet " + embedded.options().podSubnet()
        + " of the embedded containerd (system property " + SUBNET_PROPERTY + ")"
        : shared != null ? "pod subnet " + shared.state().subnet() + " of the reused containerd (system property "
            + SUBNET_PROPERTY + ")"
        : "the pod network of " + runtime;
    this.provisioner = new PodProvisioner(cri, new SessionImages(cri, images), new HostPorts(), ownerLabels(),
        dir.resolve("pods"), executor, network);
    if (handOff != null) {
      provisioner.handOffTo(handOff);
    }
    hostPortRules(cri, embedded, shared).ifPresent(provisioner::publishHostPortsWith);
  }

  /**
   * Whether another backend (local-cluster) runs a kubelet on this session's runtime: its pods' host ports
   * come from the CNI chain, as on a node, so the runtime keeps portmap.
   */
  private static boolean kubeletOnRuntime() {
    return !List.of("embedded", "cri").contains(PodBackends.chosenName());
  }

  /** podgate's own host-port rules when the runtime is podgate's on the host's network (not portmap). */
  private static Optional<HostPortRules> hostPortRules(CriClient cri, EmbeddedContainerd embedded,
      SharedContainerd.Attachment shared) {
    if (embedded != null && embedded.options().podgateHostPorts()) {
      return Optional.of(new HostPortRules(embedded.options().podSubnet(), embedded.options().bridgeName(), cri));
    }
    if (shared != null && shared.state().podgateHostPorts()) {
      return Optional.of(new HostPortRules(Ipv4Subnet.parse(shared.state().subnet()), shared.state().bridge(), cri));
    }
    return Optional.empty();
  }

  private static PodgateSession start() {
    String id = newId();
    Path workdir = Path.of(System.getProperty(WORKDIR_PROPERTY, Path.of(System.getProperty("java.io.tmpdir"), "podgate").toString()));
    Path dir = workdir.resolve("session-" + id); // a reused runtime's sessions live under its directory
    StandardImages images = new StandardImages(Optional.ofNullable(System.getProperty(IMAGE_CACHE_PROPERTY))
        .map(Path::of).orElseGet(StandardImages::defaultCacheDir));
    List<String> tried = new ArrayList<>();
    List<String> notices = new ArrayList<>();
    Optional<CriEndpoint> endpoint;
    boolean importSandboxImage;
    try {
      endpoint = CriEndpoint.configured();
      importSandboxImage = SandboxImage.importAllowed(System.getProperty(SandboxImage.IMPORT_PROPERTY));
    } catch (RuntimeException e) {
      throw new PodgateException("the configured CRI endpoint is unusable: " + e.getMessage(), e);
    }
    CriClient cri = null;
    EmbeddedContainerd embedded = null;
    SharedContainerd.Attachment shared = null;
    RuntimeReuse reuse;
    try {
      reuse = RuntimeReuse.current();
    } catch (RuntimeException e) {
      throw new PodgateException("podgate cannot decide whether to reuse its runtime: " + e.getMessage(), e);
    }
    RemovalHandOff handOff = null;
    try {
      String runtime;
      if (endpoint.isPresent()) {
        createDirectories(dir);
        tried.add("CRI endpoint " + endpoint.get().uri() + " (from " + endpoint.get().source() + ")");
        cri = endpoint.get().connect();
        cri.version();
        runtime = endpoint.get().uri();
        RuntimeStatus status = RuntimeStatus.of(cri.status(true));
        RuntimeReadiness.require(status, endpoint.get());
        removeOrphans(cri, id);
        SandboxImage.ensure(cri, status, importSandboxImage, () -> images.pause().archive()).ifPresent(notices::add);
      } else {
        String bridge = System.getProperty(BRIDGE_PROPERTY, DEFAULT_BRIDGE);
        String subnet = System.getProperty(SUBNET_PROPERTY, DEFAULT_SUBNET);
        tried.add("no CRI endpoint configured (system property " + CriEndpoint.PROPERTY + ", environment "
            + CriEndpoint.ENV + ")");
        tried.add("embedded containerd on bridge " + bridge + " (" + BRIDGE_PROPERTY + "), subnet " + subnet
            + " (" + SUBNET_PROPERTY + ")");
        ContainerdOptions options = ContainerdOptions.builder()
            .name(reuse.enabled() ? "podgate-reused" : "podgate-" + id)
            .bridgeName(bridge)
            .podSubnet(subnet)
            .baseDir(dir.resolve("containerd"))
            .sandboxImage(StandardImages.PAUSE_REFERENCE)
            .cniPortmap(Boolean.getBoolean(CNI_PORTMAP_PROPERTY) || kubeletOnRuntime())
            .build();
        if (reuse.enabled()) {
          tried.add("reusing the containerd of " + SharedContainerd.directory(workdir, bridge) + " or starting it ("
              + reuse.why() + ")");
          Path sharedDir = SharedContainerd.directory(workdir, bridge);
          shared = SharedContainerd.attach(sharedDir, options,
              line -> System.getLogger(PodgateSession.class.getName()).log(System.Logger.Level.INFO, line));
          RuntimeKeeper.ensure(sharedDir, reuse.idleTimeout());
          if (shared.started()) {
            // as Gradle says it starts a daemon: the user should know a runtime outlives this run
            String kept = "started a containerd that stays up for the next runs (" + reuse.why() + "), in " + sharedDir
                + "; it stops after " + reuse.idleTimeout().toSeconds() + " s without a run, or now with `java -cp"
                + " <podgate's test classpath> " + RuntimeKeeper.class.getName() + " --stop " + sharedDir
                + "`; -D" + RuntimeReuse.PROPERTY + "=false runs without it";
            notices.add(kept);
            System.getLogger(PodgateSession.class.getName()).log(System.Logger.Level.INFO, "podgate: " + kept);
          }
          dir = SharedContainerd.sessionDirectory(sharedDir, id);
          handOff = new RemovalHandOff(sharedDir, id, () -> RuntimeKeeper.running(sharedDir));
          earlierHandOffFailures(sharedDir).forEach(notices::add);
          for (String host : RegistryAuth.insecureHosts()) {
            SharedContainerd.insecureRegistry(sharedDir, host);
          }
          cri = shared.cri();
          runtime = shared.toString();
          OciArchiveImporter importer = new OciArchiveImporter(cri.channel(), cri.endpoint());
          if (shared.started() || !importer.has(StandardImages.PAUSE_REFERENCE, images.pause().manifestDigest())) {
            importer.importArchive(images.pause().archive(), StandardImages.PAUSE_REFERENCE);
          }
          removeOrphansInBackground(cri, id); // the keeper sweeps them too: no reason for the first pod to wait
        } else {
          createDirectories(dir);
          Path reusedDir = SharedContainerd.directory(workdir, bridge);
          if (Files.isDirectory(reusedDir) && SharedContainerd.stopIfUnused(reusedDir, line -> { })) {
            // an idle runtime kept by an earlier run with reuse on held this bridge; it is gone now
            notices.add("stopped the idle reused containerd of " + reusedDir + " (this run has "
                + RuntimeReuse.PROPERTY + " off: " + reuse.why() + ")");
          }
          embedded = EmbeddedContainerd.start(options);
          RegistryAuth.insecureHosts().forEach(embedded::insecureRegistry);
          cri = embedded.cri();
          runtime = "embedded " + embedded;
          new OciArchiveImporter(cri.channel(), cri.endpoint()).importArchive(images.pause().archive(), StandardImages.PAUSE_REFERENCE);
        }
      }
      Path socket = embedded != null ? embedded.socket() : shared != null ? shared.state().socket()
          : endpoint.get().socket();
      // on a reused runtime its keeper is the watchdog: it removes the pods and directory of a JVM that is gone
      Process watchdog = shared != null ? null : Watchdog.spawn(new Watchdog.Args(PID, ProcessHandle.current().info().startInstant()
          .map(i -> i.toEpochMilli()).orElse(0L), socket, id, dir,
          embedded == null ? 0 : embedded.pid(), embedded == null ? "" : embedded.options().bridgeName(),
          embedded == null ? "" : embedded.options().podSubnet().toString()));
      Path keptDir = shared == null ? null : shared.dir();
      Runnable keeperCheck = keptDir == null ? () -> { } : () -> {
        if (!RuntimeKeeper.running(keptDir) && SharedContainerd.readState(keptDir).map(st -> st.alive()).orElse(false)) {
          RuntimeKeeper.ensure(keptDir, reuse.idleTimeout()); // its keeper was killed: the new one stops it when idle
        }
      };
      return new PodgateSession(id, dir, cri, embedded, shared, runtime, images, watchdog, notices, handOff, keeperCheck);
    } catch (RuntimeException e) {
      if (shared != null) {
        shared.detach();
      } else if (embedded != null) {
        try {
          embedded.close();
        } catch (RuntimeException closing) {
          e.addSuppressed(closing);
        }
      } else if (cri != null) {
        cri.close();
      }
      deleteTree(dir);
      if (e instanceof RuntimeNotUsableException) {
        throw new PodgateException(e.getMessage(), e); // says all: no generic advice
      }
      throw new PodgateException("podgate could not get a container runtime. Tried: " + String.join("; then ", tried)
          + ". Failure: " + e.getMessage()
          + ". Run as root with containerd, runc and CNI plugins installed, or point " + CriEndpoint.PROPERTY
          + " at a running containerd socket.", e);
    }
  }

  private static void removeOrphansInBackground(CriClient cri, String ownId) {
    Thread t = new Thread(() -> {
      try {
        removeOrphans(cri, ownId);
      } catch (RuntimeException e) {
        // the session ended meanwhile, or the runtime went: the keeper and the next session sweep again
      }
    }, "podgate-orphans");
    t.setDaemon(true);
    t.start();
  }

  /** Removes pods left by sessions whose JVM is gone. */
  static void removeOrphans(CriClient cri, String ownId) {
    for (PodSandbox pod : cri.listPodSandbox()) {
      String session = pod.getLabelsOrDefault(PodgateLabels.SESSION, "");
      String owner = pod.getLabelsOrDefault(PodgateLabels.OWNER_PID, "");
      if (session.isEmpty() || session.equals(ownId) || owner.isEmpty()) {
        continue;
      }
      boolean alive;
      try {
        alive = ProcessHandle.of(Long.parseLong(owner)).map(ProcessHandle::isAlive).orElse(false);
      } catch (NumberFormatException e) {
        alive = false;
      }
      if (!alive) {
        try {
          cri.stopPodSandbox(pod.getId());
          cri.removePodSandbox(pod.getId());
        } catch (RuntimeException e) {
          System.getLogger(PodgateSession.class.getName()).log(System.Logger.Level.WARNING,
              "could not remove orphaned pod " + pod.getId() + ": " + e.getMessage());
        }
      }
    }
  }

  public String id() {
    return id;
  }

  /** The labels every pod of this session carries: the watchdog and the next session's orphan sweep go by them. */
  public Map<String, String> ownerLabels() {
    return Map.of(PodgateLabels.SESSION, id, PodgateLabels.OWNER_PID, Long.toString(PID));
  }

  public Path dir() {
    return dir;
  }

  public CriClient cri() {
    return cri;
  }

  public String runtime() {
    return runtime;
  }

  public Optional<EmbeddedContainerd> embedded() {
    return Optional.ofNullable(embedded);
  }

  /** The reused containerd this session is attached to, if it runs on one (see {@link RuntimeReuse}). */
  public Optional<SharedContainerd.Attachment> reused() {
    return Optional.ofNullable(shared);
  }

  /** The images podgate builds from host binaries, shared with other runtimes of this session (nodes). */
  public StandardImages images() {
    return images;
  }

  public PodProvisioner provisioner() {
    return provisioner;
  }

  /**
   * What podgate did to the runtime on the user's behalf at start (e.g. imported a sandbox image),
   * one sentence each, for reports; empty when nothing.
   */
  public List<String> notices() {
    return notices;
  }

  /** The pid of this session's watchdog process; 0 on a reused runtime, whose keeper watches this JVM. */
  public long watchdogPid() {
    return watchdog == null ? 0 : watchdog.pid();
  }

  /**
   * Pod removals handed to the reused runtime's keeper that failed so far, one sentence each, each
   * returned once; empty when none failed or there is no keeper.
   */
  public List<String> handOffFailures() {
    return handOff == null ? List.of() : handOff.takeFailures().stream().map(RemovalHandOff.Failure::describe).toList();
  }

  /** Failed removals that JVMs which have ended handed to the keeper: said once, by the next session. */
  private static List<String> earlierHandOffFailures(Path runtimeDir) {
    List<String> out = new ArrayList<>();
    for (RemovalHandOff.Failure f : RemovalHandOff.failures(runtimeDir)) {
      if (!io.podgate.internal.host.HostProcesses.alive(f.request().ownerPid())) {
        out.add("an earlier run (pid " + f.request().ownerPid() + "): " + f.describe());
        RemovalHandOff.forget(runtimeDir, f);
      }
    }
    return out;
  }

  private void end() {
    if (ended) {
      return;
    }
    ended = true;
    List<RuntimeException> problems = new ArrayList<>();
    if (watchdog != null) {
      watchdog.destroy();
      try {
        watchdog.waitFor(Duration.ofSeconds(5).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (watchdog.isAlive()) {
        watchdog.destroyForcibly();
      }
    }
    if ((embedded == null || embedded.isRunning()) && (shared == null || shared.state().alive())) {
      try {
        removeOwn();
      } catch (RuntimeException e) {
        problems.add(e);
      }
    }
    try {
      if (shared != null) {
        shared.detach();
        keeperCheck.run();
      } else if (embedded != null) {
        embedded.close();
      } else {
        cri.close();
      }
    } catch (RuntimeException e) {
      problems.add(e);
    }
    executor.shutdownNow();
    deleteTree(dir);
    if (shared == null) {
      io.podgate.internal.host.FileTrees.deleteIfEmpty(dir.getParent()); // the work directory, when this was its last session
    }
    if (!problems.isEmpty()) {
      PodgateException e = new PodgateException("ending podgate session " + id + " failed: " + problems.get(0).getMessage());
      problems.forEach(e::addSuppressed);
      throw e;
    }
  }

  /**
   * Pods of this session still there (a test leaked them): removed before the runtime goes. A sandbox the
   * runtime refuses to remove (already reported to the test that made it) counts once its host side is gone.
   */
  private void removeOwn() {
    List<String> problems = new ArrayList<>();
    for (PodSandbox pod : cri.listPodSandbox()) {
      if (id.equals(pod.getLabelsOrDefault(PodgateLabels.SESSION, "")) && (handOff == null || !handOff.handedOff(pod.getId()))) {
        SandboxRemoval.Outcome o = SandboxRemoval.remove(cri, pod.getId());
        if (!o.hostClean()) {
          problems.add("pod '" + pod.getMetadata().getName() + "': " + o.describe());
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new PodgateException("removing the session's pods left host state: " + String.join("; ", problems));
    }
  }

  private static String newId() {
    byte[] b = new byte[5];
    new java.security.SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static void createDirectories(Path dir) {
    try {
      io.podgate.internal.host.FileTrees.createDirectories(dir);
    } catch (IOException e) {
      throw new PodgateException("cannot create session directory " + dir + ": " + e.getMessage(), e);
    }
  }

  public static void deleteTree(Path dir) {
    io.podgate.internal.host.FileTrees.delete(dir);
  }

}
