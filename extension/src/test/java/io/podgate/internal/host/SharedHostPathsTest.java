package io.podgate.internal.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The record of shared host paths, on directories of a temporary tree standing in for /run and /var/lib. */
class SharedHostPathsTest {
  @TempDir
  Path tmp;

  private final AtomicBoolean containerdRunning = new AtomicBoolean();
  private final List<String> removed = new ArrayList<>();

  private SharedHostPaths paths(Path... fixed) {
    return new SharedHostPaths(tmp.resolve("lock/podgate-shared-paths"), List.of(fixed), containerdRunning::get);
  }

  @Test
  void theLastRuntimeRemovesWhatWasAbsentAtTheFirstJoinAndKeepsWhatWasThere() throws Exception {
    Path run = tmp.resolve("run/containerd");
    Path sockets = run.resolve("s");
    Path there = Files.createDirectories(tmp.resolve("var/lib/cni"));
    SharedHostPaths shared = paths(run, sockets, there);
    Path first = Files.createDirectories(tmp.resolve("first"));
    Path second = Files.createDirectories(tmp.resolve("second"));

    shared.join(first);
    Files.createDirectories(sockets); // what the daemon and its shims make
    shared.join(second);
    assertThat(shared.recorded()).containsExactly(run.toString(), sockets.toString());

    assertThat(shared.leave(first, removed::add)).isEmpty();
    assertThat(sockets).as("the second runtime still runs").exists();

    assertThat(shared.leave(second, removed::add)).isEmpty();
    assertThat(run).doesNotExist();
    assertThat(there).as("it was there before").exists();
    assertThat(tmp.resolve("lock/podgate-shared-paths")).doesNotExist();
    assertThat(removed).hasSize(2);
  }

  @Test
  void aUserWhoseDirectoryIsGoneDoesNotHoldThePathsAndAPathInUseStays() throws Exception {
    Path netns = tmp.resolve("run/netns");
    Path cache = tmp.resolve("var/lib/cni");
    SharedHostPaths shared = paths(netns, cache);
    Path killed = Files.createDirectories(tmp.resolve("killed"));
    Path last = Files.createDirectories(tmp.resolve("last"));
    shared.join(killed);
    shared.join(last);
    Files.createDirectories(netns);
    Files.createDirectories(cache);
    Files.createFile(netns.resolve("someone-elses"));
    Files.delete(killed); // its watchdog removed its directory but could not leave

    assertThat(shared.leave(last, removed::add)).isEmpty();
    assertThat(cache).doesNotExist();
    assertThat(netns).as("not empty: no longer podgate's alone").exists();
    assertThat(tmp.resolve("lock/podgate-shared-paths")).doesNotExist();
  }

  @Test
  void anotherContainerdKeepsThePathsAndTheRecordForTheNextLeave() throws Exception {
    Path sockets = tmp.resolve("run/containerd/s");
    SharedHostPaths shared = paths(sockets);
    Path user = Files.createDirectories(tmp.resolve("user"));
    shared.join(user);
    Files.createDirectories(sockets);
    containerdRunning.set(true);
    assertThat(shared.leave(user, removed::add)).isEmpty();
    assertThat(sockets).exists();
    assertThat(shared.recorded()).containsExactly(sockets.toString());

    containerdRunning.set(false);
    Path next = Files.createDirectories(tmp.resolve("next"));
    shared.join(next);
    assertThat(shared.leave(next, removed::add)).isEmpty();
    assertThat(sockets).doesNotExist();
  }

  @Test
  void leavingWithoutARecordDoesNothing() {
    assertThat(paths(tmp.resolve("x")).leave(tmp.resolve("nobody"), removed::add)).isEmpty();
    assertThat(removed).isEmpty();
  }

  @Test
  void theHostListNamesTheFixedPathsAndAK8sCgroupPerHierarchy() {
    List<Path> host = SharedHostPaths.hostPaths();
    assertThat(host).contains(Path.of("/run/containerd/s"), Path.of("/run/netns"), Path.of("/var/lib/cni/results"));
    assertThat(host.indexOf(Path.of("/run/containerd"))).isLessThan(host.indexOf(Path.of("/run/containerd/s")));
    if (Files.isDirectory(Path.of("/sys/fs/cgroup/memory"))) {
      assertThat(host).contains(Path.of("/sys/fs/cgroup/memory/k8s.io"));
    }
  }
}
