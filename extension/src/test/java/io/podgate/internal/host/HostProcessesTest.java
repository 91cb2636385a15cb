package io.podgate.internal.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostProcessesTest {
  @Test
  void theParentOfAProcessIsTheOneThatStartedIt() throws Exception {
    Process p = new ProcessBuilder("sleep", "30").start();
    try {
      assertThat(HostProcesses.parent(p.pid())).contains(ProcessHandle.current().pid());
    } finally {
      p.destroyForcibly().waitFor();
    }
  }

  /** dockerd runs its containerd as a child, with CRI off; its config path need not name docker/containerd. */
  @Test
  void aContainerdStartedByDockerdCannotRunCni(@TempDir Path dir) throws Exception {
    Path dockerd = Files.createSymbolicLink(dir.resolve("dockerd"), Path.of("/bin/bash"));
    Process fakeDockerd = new ProcessBuilder(dockerd.toString(), "-c",
        "(exec -a containerd sleep 30) & wait").start();
    try {
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> childContainerd(fakeDockerd.pid()) != null);
      long containerd = childContainerd(fakeDockerd.pid());
      assertThat(HostProcesses.containerdDaemons(-1)).contains(containerd);
      assertThat(HostProcesses.cniCapableContainerdDaemons(-1)).doesNotContain(containerd);
    } finally {
      fakeDockerd.descendants().forEach(ProcessHandle::destroyForcibly);
      fakeDockerd.destroyForcibly().waitFor();
    }
  }

  private static Long childContainerd(long parent) {
    List<Long> children = ProcessHandle.of(parent).map(h -> h.children().map(ProcessHandle::pid).toList())
        .orElse(List.of());
    return children.stream().filter(pid -> HostProcesses.cmdline(pid)
        .map(a -> !a.isEmpty() && a.get(0).equals("containerd")).orElse(false)).findFirst().orElse(null);
  }
}
