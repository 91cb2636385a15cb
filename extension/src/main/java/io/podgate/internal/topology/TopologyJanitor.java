package io.podgate.internal.topology;

import io.podgate.PodgateException;
import io.podgate.internal.host.CniResults;
import io.podgate.internal.host.FileTrees;
import io.podgate.internal.host.SharedHostPaths;
import io.podgate.internal.host.HelperJvm;
import io.podgate.internal.host.HostNetwork;
import io.podgate.internal.host.HostProcesses;
import io.podgate.internal.host.Mounts;
import io.podgate.internal.host.NetworkNamespaces;
import io.podgate.internal.host.RuncLeftovers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Removes what a {@link TopologyManifest} lists: containerd daemons (by PID, and any containerd whose
 * config lies in the topology directory), their shims and pods' network namespaces, mounts, runc state
 * and CNI caches under it, host routes, links, named network namespaces and the directory. Used for
 * stale manifests at start-up and by an out-of-JVM watcher when the owner is killed.
 */
public final class TopologyJanitor {
  private TopologyJanitor() {}

  /** Removes everything {@code manifest} lists, then the manifest; returns what could not be removed. */
  public static List<String> clean(TopologyManifest manifest) {
    List<TopologyManifest.Entry> entries = manifest.read();
    List<String> problems = new ArrayList<>();
    List<Path> dirs = values(entries, "dir").stream().map(v -> Path.of(v.get(0))).toList();
    Set<Long> daemons = new LinkedHashSet<>();
    List<Path> sockets = new ArrayList<>();
    for (List<String> d : values(entries, "daemon")) {
      sockets.add(Path.of(d.get(1)));
      long pid = Long.parseLong(d.get(0));
      if (commandLineMentions(pid, d.get(1).replaceFirst("containerd\\.sock$", ""))) {
        daemons.add(pid);
      }
    }
    for (Path dir : dirs) {
      daemons.addAll(HostProcesses.containerdsConfiguredUnder(dir));
    }
    for (long pid : daemons) {
      if (!HostProcesses.endTree(pid, Duration.ofSeconds(5))) {
        problems.add("containerd pid " + pid + " did not end");
      }
    }
    List<String> nodeNetns = values(entries, "netns").stream().map(n -> n.get(0)).toList();
    problems.addAll(NetworkNamespaces.endShimsAndTheirPods(sockets, nodeNetns));
    for (Path dir : dirs) {
      problems.addAll(Mounts.unmountUnder(dir));
      problems.addAll(RuncLeftovers.deleteUnder(dir));
      problems.addAll(CniResults.deleteOfSandboxesUnder(dir));
    }
    List<List<String>> routes = new ArrayList<>(values(entries, "route"));
    Collections.reverse(routes);
    for (List<String> r : routes) {
      problems.addAll(HostNetwork.deleteRoute(r.get(0), r.get(1)));
    }
    for (String ns : nodeNetns) {
      problems.addAll(NetworkNamespaces.delete(ns));
    }
    List<List<String>> links = new ArrayList<>(values(entries, "link"));
    Collections.reverse(links);
    for (List<String> l : links) {
      problems.addAll(HostNetwork.deleteLink(l.get(0)));
    }
    for (Path dir : dirs) {
      if (!FileTrees.delete(dir)) {
        problems.add("directory " + dir + " could not be deleted");
      }
      problems.addAll(SharedHostPaths.host().leave(dir, m -> { }));
    }
    try {
      Files.deleteIfExists(manifest.file());
    } catch (IOException e) {
      problems.add("manifest " + manifest.file() + ": " + e.getMessage());
    }
    return problems;
  }

  /** Cleans every manifest under {@code stateDir} whose owner is gone; returns the manifests cleaned. */
  public static List<Path> cleanStale(Path stateDir) {
    List<Path> cleaned = new ArrayList<>();
    if (!Files.isDirectory(stateDir)) {
      return cleaned;
    }
    List<Path> manifests;
    try (Stream<Path> s = Files.list(stateDir)) {
      manifests = s.map(d -> d.resolve(TopologyManifest.FILE_NAME)).filter(Files::isRegularFile).toList();
    } catch (IOException e) {
      throw new PodgateException("cannot list topology state directory " + stateDir + ": " + e.getMessage(), e);
    }
    for (Path file : manifests) {
      TopologyManifest m = TopologyManifest.at(file);
      if (!m.ownerAlive()) {
        List<String> problems = clean(m);
        if (!problems.isEmpty()) {
          throw new PodgateException("a stale topology (" + file + ", owner pid " + m.owner()[0]
              + " is gone) could not be removed: " + problems + "; remove these by hand");
        }
        cleaned.add(file);
      }
    }
    return cleaned;
  }

  /**
   * Starts a process outside this JVM (its own session) that cleans {@code manifest} once its owner is
   * gone, and exits as soon as the manifest disappears (a normal close deletes it).
   */
  public static Process spawnWatcher(TopologyManifest manifest) {
    return HelperJvm.launch("the topology watcher", TopologyJanitor.class, 32,
        List.of("watch", manifest.file().toString()), manifest.file().resolveSibling("janitor.log"));
  }

  /** {@code watch <manifest>}: wait for the owner to go, then clean; {@code clean <manifest>}: clean now. */
  public static void main(String[] args) throws InterruptedException {
    if (args.length != 2 || !List.of("watch", "clean").contains(args[0])) {
      System.err.println("usage: TopologyJanitor watch|clean <manifest file>");
      System.exit(2);
    }
    TopologyManifest m = TopologyManifest.at(Path.of(args[1]));
    if (args[0].equals("watch")) {
      log("watching owner pid " + m.owner()[0] + " of " + m.file());
      while (Files.exists(m.file()) && m.ownerAlive()) {
        Thread.sleep(500);
      }
      if (!Files.exists(m.file())) {
        log("manifest gone: the topology was closed normally");
        return;
      }
      log("owner pid " + m.owner()[0] + " is gone; cleaning");
    }
    List<String> problems = clean(m);
    log(problems.isEmpty() ? "cleaned " + m.file() : "left problems: " + problems);
    if (!problems.isEmpty()) {
      System.exit(1);
    }
  }

  // ---- pieces ----

  private static List<List<String>> values(List<TopologyManifest.Entry> entries, String kind) {
    return entries.stream().filter(e -> e.kind().equals(kind)).map(TopologyManifest.Entry::values).toList();
  }

  private static boolean commandLineMentions(long pid, String text) {
    return HostProcesses.cmdline(pid).map(args -> String.join(" ", args).contains(text)).orElse(false);
  }

  private static void log(String message) {
    System.out.println(Instant.now() + " podgate-topology-janitor: " + message);
    System.out.flush();
  }
}
