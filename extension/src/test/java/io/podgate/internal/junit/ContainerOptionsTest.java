package io.podgate.internal.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.podgate.Container;
import io.podgate.CriContainer;
import io.podgate.Mount;
import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import io.podgate.testsupport.FixtureOnly;
import io.podgate.testsupport.Fixtures;
import io.podgate.testsupport.RequiresContainerd;
import io.podgate.testsupport.SessionTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/** Mounts, privileged, memory limit, env, working dir, PID namespaces and container JSON reach the container. */
@RequiresContainerd
class ContainerOptionsTest extends SessionTestBase {
  static final Path HOST_DIR = Path.of("/tmp/pg-junit/mount-src");

  @Podgate
  @ExtendWith(FixtureOnly.class)
  static class Options {
    @PodSandbox(hostname = "opts-host")
    @CriContainer(name = "plain", image = "podgate:busybox", command = {"sleep", "3600"}, workingDir = "/tmp",
        mounts = @Mount(hostPath = "/tmp/pg-junit/mount-src", containerPath = "/data", readOnly = true),
        memoryLimit = 64L * 1024 * 1024)
    @CriContainer(name = "root", image = "podgate:busybox", command = {"sleep", "4242"}, privileged = true)
    Pod pod;

    @CriContainer(pod = "pod", config = "sleeper-container.json", env = "EXTRA=1")
    Container sleeper;

    @Test
    void optionsApply() {
      Container plain = pod.container("plain");
      assertThat(plain.exec("cat", "/data/hello.txt").stdout()).isEqualTo("from the host\n");
      assertThat(plain.exec("sh", "-c", "echo x > /data/new.txt").exitCode()).isNotZero();
      assertThat(plain.exec("pwd").stdout()).isEqualTo("/tmp\n");
      assertThat(plain.exec("hostname").stdout()).isEqualTo("opts-host\n");
      assertThat(plain.exec("cat", "/sys/fs/cgroup/memory/memory.limit_in_bytes").stdout().strip())
          .isEqualTo(Long.toString(64L * 1024 * 1024));
      assertThat(plain.exec("sh", "-c", "mkdir -p /m && mount -t tmpfs none /m").exitCode()).as("unprivileged mount").isNotZero();
      assertThat(pod.container("root").exec("sh", "-c", "mkdir -p /m && mount -t tmpfs none /m").exitCode()).as("privileged mount").isZero();
      assertThat(plain.exec("cat", "/proc/1/cmdline").stdout()).as("own PID namespace: PID 1 is the container's command")
          .isEqualTo("sleep\u00003600\u0000");
      assertThat(plain.exec("sh", "-c", "cat /proc/[0-9]*/cmdline").stdout()).as("the other container's process")
          .doesNotContain("4242");
      assertThat(sleeper.name()).isEqualTo("sleeper");
      assertThat(sleeper.exec("sh", "-c", "echo $FROM_JSON $EXTRA").stdout()).isEqualTo("yes 1\n");
    }
  }

  @Podgate
  @ExtendWith(FixtureOnly.class)
  static class SharedPid {
    @PodSandbox(shareProcessNamespace = true)
    @CriContainer(name = "a", image = "podgate:busybox", command = {"sleep", "4242"})
    @CriContainer(name = "b", image = "podgate:busybox", command = {"sleep", "3600"})
    Pod pod;

    @Test
    void containersSeeEachOther() {
      Container b = pod.container("b");
      assertThat(b.exec("sh", "-c", "cat /proc/[0-9]*/cmdline").stdout()).contains("4242");
      assertThat(b.exec("cat", "/proc/1/cmdline").stdout()).as("PID 1 is the pod's pause process").contains("trap");
    }
  }

  @Test
  void shareProcessNamespaceGivesThePodOnePidNamespace() {
    EngineExecutionResults results = Fixtures.run(SharedPid.class);
    assertThat(results.testEvents().failed().count()).as(Fixtures.failures(results)).isZero();
    assertThat(results.testEvents().succeeded().count()).isEqualTo(1);
    Fixtures.assertNoPodsLeft(session());
  }

  @Test
  void containerOptionsReachTheRuntime() throws Exception {
    Files.createDirectories(HOST_DIR);
    Files.writeString(HOST_DIR.resolve("hello.txt"), "from the host\n");
    try {
      EngineExecutionResults results = Fixtures.run(Options.class);
      assertThat(results.testEvents().failed().count()).as(Fixtures.failures(results)).isZero();
      assertThat(results.testEvents().succeeded().count()).isEqualTo(1);
      assertThat(HOST_DIR.resolve("new.txt")).doesNotExist();
      Fixtures.assertNoPodsLeft(session());
    } finally {
      Files.deleteIfExists(HOST_DIR.resolve("hello.txt"));
      Files.deleteIfExists(HOST_DIR);
    }
  }
}
