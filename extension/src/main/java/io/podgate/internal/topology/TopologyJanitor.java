package io.podgate.internal.topology;

import io.podgate.PodgateException;
import io.podgate.internal.runtime.HostCommand;
import io.podgate.internal.runtime.HostProcesses;
import io.podgate.internal.runtime.RuncLeftovers;
import io.podgate.internal.runtime.SandboxRemoval;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Removes what a {@link TopologyManifest} lists: containerd daemons (by PID, and any containerd whose
 * config lies in the topology directory), their shims and pods' network namespaces, mounts, runc state
 * and CNI caches under it, host routes, links, named network namespaces and the directory. Used for
 * stale manifests at start-up and by an out-of-JVM watcher when the owner is killed.
 */
public final class TopologyJanitor {
  private static final Path NETNS_DIR = Path.of("/var/run/netns");

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
      daemons.addAll(containerdsConfiguredUnder(dir));
    }
    Set<Object> podNetns = new HashSet<>();
    for (long pid : daemons) {
      if (!HostProcesses.endTree(pid, Duration.ofSeconds(5))) {
        problems.add("containerd pid " + pid + " did not end");
      }
    }
    for (Path socket : sockets) {
      for (long shim : HostProcesses.shimsOf(socket)) {
        ProcessHandle.of(shim).ifPresent(h -> h.descendants().forEach(p ->
            inode(Path.of("/proc", Long.toString(p.pid()), "ns", "net")).ifPresent(podNetns::add)));
        if (!HostProcesses.endTree(shim, Duration.ofSeconds(3))) {
          problems.add("shim pid " + shim + " did not end");
        }
      }
    }
    inode(Path.of("/proc/self/ns/net")).ifPresent(podNetns::remove);
    for (List<String> n : values(entries, "netns")) {
      inode(NETNS_DIR.resolve(n.get(0))).ifPresent(podNetns::remove);
    }
    problems.addAll(SandboxRemoval.deleteNetnsByInode(podNetns));
    for (Path dir : dirs) {
      problems.addAll(unmountUnder(dir));
      problems.addAll(RuncLeftovers.deleteUnder(dir));
      problems.addAll(deleteCniResultsOf(dir));
    }
    List<List<String>> routes = new ArrayList<>(values(entries, "route"));
    Collections.reverse(routes);
    for (List<String> r : routes) {
      HostCommand.Result res = HostCommand.run(List.of("ip", "route", "del", r.get(0), "via", r.get(1)));
      if (!res.ok() && routePresent(r.get(0), r.get(1))) {
        problems.add("route " + r.get(0) + " via " + r.get(1) + ": " + res.output().strip());
      }
    }
    for (List<String> n : values(entries, "netns")) {
      if (Files.exists(NETNS_DIR.resolve(n.get(0)))) {
        HostCommand.Result res = HostCommand.run(List.of("ip", "netns", "delete", n.get(0)));
        if (!res.ok() && Files.exists(NETNS_DIR.resolve(n.get(0)))) {
          problems.add("netns " + n.get(0) + ": " + res.output().strip());
        }
      }
    }
    List<List<String>> links = new ArrayList<>(values(entries, "link"));
    Collections.reverse(links);
    for (List<String> l : links) {
      if (Files.exists(Path.of("/sys/class/net", l.get(0)))) {
        HostCommand.Result res = HostCommand.run(List.of("ip", "link", "del", l.get(0)));
        if (!res.ok() && Files.exists(Path.of("/sys/class/net", l.get(0)))) {
          problems.add("link " + l.get(0) + ": " + res.output().strip());
        }
      }
    }
    for (Path dir : dirs) {
      if (!deleteTree(dir)) {
        problems.add("directory " + dir + " could not be deleted");
      }
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
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> cmd = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      cmd.add("/usr/bin/setsid");
    }
    cmd.addAll(List.of(java.toString(), "-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classpath(),
        TopologyJanitor.class.getName(), "watch", manifest.file().toString()));
    try {
      return new ProcessBuilder(cmd)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(
              manifest.file().resolveSibling("janitor.log").toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .start();
    } catch (IOException e) {
      throw new PodgateException("cannot start the topology watcher (" + java + "): " + e.getMessage(), e);
    }
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

  /** containerd daemons whose {@code --config} file lies under {@code dir}. */
  static List<Long> containerdsConfiguredUnder(Path dir) {
    List<Long> found = new ArrayList<>();
    String prefix = dir.toAbsolutePath() + "/";
    for (long pid : HostProcesses.allPids()) {
      HostProcesses.cmdline(pid).ifPresent(args -> {
        int i = args.indexOf("--config");
        if (!args.isEmpty() && args.get(0).endsWith("containerd") && i >= 0 && i + 1 < args.size()
            && args.get(i + 1).startsWith(prefix)) {
          found.add(pid);
        }
      });
    }
    return found;
  }

  private static Optional<Object> inode(Path p) {
    return SandboxRemoval.inode(p);
  }

  private static List<String> unmountUnder(Path dir) {
    List<String> points = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
        String[] f = line.split(" ");
        if (f.length > 4) {
          String point = f[4].replace("\\040", " ");
          if (point.startsWith(dir + "/")) {
            points.add(point);
          }
        }
      }
    } catch (IOException e) {
      return List.of("cannot read /proc/self/mountinfo: " + e.getMessage());
    }
    points.sort(Comparator.comparingInt(String::length).reversed());
    List<String> problems = new ArrayList<>();
    for (String p : points) {
      if (!HostCommand.run(List.of("umount", p)).ok() && !HostCommand.run(List.of("umount", "-l", p)).ok()) {
        problems.add("could not unmount " + p);
      }
    }
    return problems;
  }

  /** CNI result caches of the sandboxes found in containerd roots under {@code dir}. */
  private static List<String> deleteCniResultsOf(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    Set<String> ids = new HashSet<>();
    try (Stream<Path> walk = Files.walk(dir, 4)) {
      walk.filter(p -> p.getFileName().toString().equals("sandboxes")
              && p.getParent().getFileName().toString().equals("io.containerd.grpc.v1.cri"))
          .forEach(sandboxes -> {
            try (Stream<Path> s = Files.list(sandboxes)) {
              s.forEach(id -> ids.add(id.getFileName().toString()));
            } catch (IOException ignored) {
              // nothing to match
            }
          });
    } catch (IOException e) {
      return List.of("cannot read " + dir + ": " + e.getMessage());
    }
    return SandboxRemoval.deleteCniResultsOf(ids);
  }

  static boolean routePresent(String cidr, String via) {
    HostCommand.Result r = HostCommand.run(List.of("ip", "-4", "route", "show", "exact", cidr));
    return r.ok() && r.output().contains("via " + via + " ");
  }

  static boolean deleteTree(Path dir) {
    return io.podgate.internal.runtime.FileTrees.delete(dir);
  }


  /** This JVM's class path, for the helper JVM. */
  static String classpath() {
    return io.podgate.internal.runtime.JvmClasspath.current();
  }

  private static void log(String message) {
    System.out.println(Instant.now() + " podgate-topology-janitor: " + message);
    System.out.flush();
  }
}
