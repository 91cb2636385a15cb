package io.podgate.kubernetes.internal.cluster;

import io.podgate.PodgateException;
import io.podgate.internal.host.HostLock;
import io.podgate.internal.host.HostRestore;
import io.podgate.internal.host.HostRestoreManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * The host-wide kubelet lock ({@value LocalCluster#HOST_LOCK}) and the host state recorded under it:
 * the kubelet's sysctls and the fixed host paths it creates, restored by {@link #restore()} (and by the
 * watchdog from the manifest).
 */
final class ClusterHostLock {
  /** Sysctls the kubelet sets with protectKernelDefaults=false (the last three were seen unchanged). */
  static final List<String> SYSCTLS = List.of("vm.overcommit_memory", "kernel.panic", "kernel.panic_on_oops",
      "vm.panic_on_oom", "kernel.keys.root_maxkeys", "kernel.keys.root_maxbytes");
  /** Host paths the kubelet creates whatever its --root-dir (and the apiserver's default cert dir). */
  static final List<Path> FIXED_PATHS = Stream.of("/var/lib/kubelet", "/var/log/pods", "/var/log/containers",
      "/usr/libexec/kubernetes", "/var/run/kubernetes").map(Path::of).toList();
  private static final System.Logger LOG = System.getLogger(LocalCluster.class.getName());

  private final LocalClusterOptions options;
  private final HostRestoreManifest manifest;
  private HostLock lock;

  ClusterHostLock(LocalClusterOptions options, HostRestoreManifest manifest) {
    this.options = options;
    this.manifest = manifest;
  }

  /** Takes the host lock, undoes a previous holder that died, and records the host state to restore. */
  void acquire() {
    lock = HostLock.acquire(Path.of(LocalCluster.HOST_LOCK), options.lockTimeout(), message -> {
      LOG.log(System.Logger.Level.WARNING, options + ": " + message);
      System.err.println("podgate: " + options.name() + ": " + message);
    });
    List<String> left = HostRestore.restorePreviousHolder(lock);
    if (!left.isEmpty()) {
      throw new PodgateException(options + ": a previous local cluster whose JVM is gone (" + LocalCluster.HOST_LOCK
          + ") could not be undone: " + left + "; fix these by hand");
    }
    manifest.add("lock", LocalCluster.HOST_LOCK);
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
   * Undoes everything the manifest records (processes, pods on the node containerds, mounts, sysctls,
   * created paths, links) and releases the lock when it was taken; returns what could not be undone.
   */
  List<String> restore() {
    List<String> problems;
    try {
      problems = HostRestore.clean(manifest, lock != null, Duration.ZERO);
      if (lock != null && problems.isEmpty()) {
        lock.delete(); // nothing left to undo: no file stays behind
      }
    } finally {
      if (lock != null) {
        lock.close();
      }
    }
    return problems;
  }
}
