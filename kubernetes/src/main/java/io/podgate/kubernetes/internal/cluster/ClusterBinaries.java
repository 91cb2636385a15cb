package io.podgate.kubernetes.internal.cluster;

import io.podgate.PodgateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The executables of a local cluster: kube-apiserver, kube-controller-manager, kube-scheduler and
 * kubelet from the directory in system property {@value #PROPERTY}, else the newest
 * {@code ~/.cache/podgate/k8s-*} holding all four (what {@code ci/k8s-binaries} builds); etcd from
 * {@value #ETCD_PROPERTY}, else /usr/bin/etcd (Debian's etcd-server).
 */
public record ClusterBinaries(Path apiserver, Path controllerManager, Path scheduler, Path kubelet, Path etcd) {
  public static final String PROPERTY = "podgate.kubernetes.binaries";
  public static final String ETCD_PROPERTY = "podgate.kubernetes.etcd";
  static final List<String> NAMES = List.of("kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet");

  /**
   * Finds the binaries.
   *
   * @throws PodgateException naming what is missing and {@code ci/k8s-binaries} / {@code ci/install}
   */
  public static ClusterBinaries find() {
    Path dir;
    String configured = System.getProperty(PROPERTY, "");
    if (!configured.isBlank()) {
      dir = Path.of(configured);
      List<String> missing = missing(dir);
      if (!missing.isEmpty()) {
        throw new PodgateException("system property " + PROPERTY + "=" + configured + " names a directory without "
            + missing + "; point it at the directory ci/k8s-binaries prints (it builds kube-apiserver, kubelet,"
            + " kube-controller-manager and kube-scheduler v1.20.2 from Debian's source package)");
      }
    } else {
      Path cache = Path.of(System.getProperty("user.home"), ".cache", "podgate");
      dir = newestComplete(cache).orElseThrow(() -> new PodgateException("no Kubernetes binaries found: no directory "
          + cache + "/k8s-* holds all of " + NAMES + " and system property " + PROPERTY + " is not set; run"
          + " ci/k8s-binaries (builds them from Debian's kubernetes source package in ~10 min and caches them there)"
          + " or set " + PROPERTY + " to a directory holding them"));
    }
    Path etcd = Path.of(System.getProperty(ETCD_PROPERTY, "/usr/bin/etcd"));
    if (!Files.isExecutable(etcd)) {
      throw new PodgateException("etcd not found at " + etcd + "; install Debian's etcd-server (ci/install does)"
          + " or set system property " + ETCD_PROPERTY + " to an etcd 3.4 executable");
    }
    return new ClusterBinaries(dir.resolve(NAMES.get(0)), dir.resolve(NAMES.get(1)), dir.resolve(NAMES.get(2)),
        dir.resolve(NAMES.get(3)), etcd);
  }

  static List<String> missing(Path dir) {
    return NAMES.stream().filter(n -> !Files.isExecutable(dir.resolve(n))).toList();
  }

  static Optional<Path> newestComplete(Path cache) {
    if (!Files.isDirectory(cache)) {
      return Optional.empty();
    }
    try (Stream<Path> s = Files.list(cache)) {
      return s.filter(d -> d.getFileName().toString().startsWith("k8s-") && Files.isDirectory(d))
          .filter(d -> missing(d).isEmpty())
          .max(Comparator.comparing(ClusterBinaries::modified));
    } catch (IOException e) {
      throw new PodgateException("cannot list " + cache + ": " + e.getMessage(), e);
    }
  }

  private static FileTime modified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }
}
