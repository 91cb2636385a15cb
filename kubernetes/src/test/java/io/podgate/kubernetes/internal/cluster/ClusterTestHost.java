package io.podgate.kubernetes.internal.cluster;

import io.podgate.internal.host.HostLock;
import io.podgate.internal.host.HostRestore;
import io.podgate.internal.image.OciArchiveImporter;
import io.podgate.internal.image.StandardImages;
import io.podgate.internal.runtime.ContainerdOptions;
import io.podgate.internal.runtime.EmbeddedContainerd;
import io.podgate.testsupport.HostState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the cluster tests share: a node containerd with podgate's images, and a snapshot of the host. */
final class ClusterTestHost {
  private ClusterTestHost() {}

  static Path workRoot() throws IOException {
    Path root = Path.of(System.getProperty("podgate.workdir", "/tmp/podgate-test"), "k8s");
    Files.createDirectories(root);
    return root;
  }

  /** An embedded containerd on this run's bridge and subnet with pause, busybox and debug imported as podgate does. */
  static EmbeddedContainerd nodeContainerd(Path baseDir) {
    EmbeddedContainerd d = EmbeddedContainerd.start(ContainerdOptions.builder()
        .name("k8s-node").bridgeName(HostState.bridge()).podSubnet(HostState.subnet().toString())
        .baseDir(baseDir).sandboxImage(StandardImages.PAUSE_REFERENCE).build());
    try {
      StandardImages images = images();
      OciArchiveImporter importer = new OciArchiveImporter(d.cri().channel(), d.cri().endpoint());
      importer.importImage(images.pause());
      importer.importImage(images.busybox());
      importer.importImage(images.debug());
      return d;
    } catch (RuntimeException e) {
      d.close();
      throw e;
    }
  }

  static StandardImages images() {
    return new StandardImages(Optional.ofNullable(System.getProperty("podgate.imageCache"))
        .map(Path::of).orElseGet(StandardImages::defaultCacheDir));
  }

  /** The host state a cluster run must leave as it found it (see {@link #differences}). */
  record Snapshot(List<String> hostState, Map<String, String> sysctls, Map<Path, Boolean> fixedPaths,
      List<String> k8sProcesses, List<String> links) {}

  /**
   * Taken while holding the kubelet host lock, so that no other local cluster on the machine (another
   * test run) has a kubelet running meanwhile; Kubernetes processes counted are those naming this
   * run's work root.
   */
  static Snapshot snapshot() throws IOException {
    try (HostLock lock = HostLock.acquire(Path.of(LocalCluster.HOST_LOCK), Duration.ofMinutes(15),
        m -> System.out.println("snapshot: " + m))) {
      Snapshot now = snapshotNow();
      if (lock.content().isEmpty()) {
        lock.delete(); // no cluster's record in it: asking for the lock leaves no file
      }
      return now;
    }
  }

  private static Snapshot snapshotNow() throws IOException {
    String root = workRoot().toString();
    Map<String, String> sysctls = new LinkedHashMap<>();
    ClusterHostLock.SYSCTLS.forEach(k -> sysctls.put(k, HostRestore.readSysctl(k)));
    Map<Path, Boolean> paths = new LinkedHashMap<>();
    ClusterHostLock.FIXED_PATHS.forEach(p -> paths.put(p, Files.exists(p)));
    List<String> procs = ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(root)
            && c.matches("\\S*/(etcd|kube-apiserver|kube-controller-manager|kube-scheduler|kubelet) .*")).orElse(false))
        .map(p -> p.pid() + " " + p.info().commandLine().orElse("")).sorted().toList();
    List<String> links = HostState.run("ip", "-o", "link", "show").lines()
        .map(l -> l.split(": ")[1].replaceAll("@.*", "")).filter(l -> l.matches("pgk[0-9a-f]{8}")).sorted().toList();
    Path hostState = Path.of(System.getProperty("user.dir")).getParent().resolve("ci/host-state");
    return new Snapshot(HostState.run(hostState.toString()).lines().toList(), sysctls, paths, procs, links);
  }

  /**
   * What differs between two snapshots and concerns this run: sysctls, the kubelet's fixed paths,
   * Kubernetes processes and pgk* links in full; of ci/host-state's lines those naming this run's
   * bridge or subnet or one of {@code ids} (sandbox and container ids seen on the node), since other
   * work on the machine changes the rest.
   */
  static List<String> differences(Snapshot before, Snapshot after, List<String> ids) {
    return differences(before, after, ids, List.of(), List.of());
  }

  /** As above, also counting lines that name one of {@code words} or an address in {@code subnets}. */
  static List<String> differences(Snapshot before, Snapshot after, List<String> ids, List<String> words,
      List<String> subnets) {
    List<String> diff = new ArrayList<>();
    if (!before.sysctls().equals(after.sysctls())) {
      diff.add("sysctls " + before.sysctls() + " -> " + after.sysctls());
    }
    if (!before.fixedPaths().equals(after.fixedPaths())) {
      diff.add("kubelet paths " + before.fixedPaths() + " -> " + after.fixedPaths());
    }
    if (!before.k8sProcesses().equals(after.k8sProcesses())) {
      diff.add("Kubernetes processes " + before.k8sProcesses() + " -> " + after.k8sProcesses());
    }
    if (!before.links().equals(after.links())) {
      diff.add("pgk links " + before.links() + " -> " + after.links());
    }
    for (String l : after.hostState()) {
      if (!before.hostState().contains(l) && concernsThisRun(l, ids, words, subnets)) {
        diff.add("ci/host-state + " + l);
      }
    }
    for (String l : before.hostState()) {
      if (!after.hostState().contains(l) && concernsThisRun(l, ids, words, subnets)) {
        diff.add("ci/host-state - " + l);
      }
    }
    return diff;
  }

  private static boolean concernsThisRun(String line, List<String> ids, List<String> words, List<String> subnets) {
    return line.contains(HostState.bridge()) || HostState.mentions(line, HostState.subnet())
        || words.stream().anyMatch(line::contains)
        || subnets.stream().anyMatch(s -> HostState.mentions(line, io.podgate.internal.host.Ipv4Subnet.parse(s)))
        || ids.stream().anyMatch(id -> line.contains(id.substring(0, Math.min(id.length(), 12))));
  }
}
