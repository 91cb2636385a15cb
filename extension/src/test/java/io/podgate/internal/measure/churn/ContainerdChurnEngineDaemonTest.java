package io.podgate.internal.measure.churn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podgate.PodgateException;
import io.podgate.internal.containerd.ContainerdAccess;
import io.podgate.internal.containerd.ContainerdHeaders;
import io.podgate.internal.containerd.containers.ContainersGrpc;
import io.podgate.internal.containerd.containers.ListContainersRequest;
import io.podgate.internal.containerd.namespaces.ListNamespacesRequest;
import io.podgate.internal.containerd.namespaces.Namespace;
import io.podgate.internal.containerd.namespaces.NamespacesGrpc;
import io.podgate.internal.containerd.snapshots.ListSnapshotsRequest;
import io.podgate.internal.containerd.snapshots.SnapshotsGrpc;
import io.podgate.internal.containerd.tasks.ListTasksRequest;
import io.podgate.internal.containerd.tasks.TasksGrpc;
import io.podgate.internal.image.StandardImages;
import io.podgate.internal.runtime.ContainerdOptions;
import io.podgate.internal.runtime.EmbeddedContainerd;
import io.podgate.measure.ChurnOptions;
import io.podgate.measure.ChurnResult;
import io.podgate.testsupport.HostState;
import io.podgate.testsupport.RequiresContainerd;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The CONTAINERD churn path against a real embedded containerd (on this run's bridge and subnet). */
@RequiresContainerd
@Timeout(300)
class ContainerdChurnEngineDaemonTest {
  static EmbeddedContainerd daemon;

  @BeforeAll
  static void startDaemon() throws IOException {
    Path work = Path.of(System.getProperty("podgate.workdir", System.getProperty("java.io.tmpdir") + "/podgate-test"));
    Files.createDirectories(work);
    Path base = Files.createTempDirectory(work, "ctrd-churn-");
    Files.delete(base);
    daemon = EmbeddedContainerd.start(ContainerdOptions.builder()
        .name("ctrd-churn-test").bridgeName(HostState.bridge()).podSubnet(HostState.subnet().toString()).baseDir(base)
        .sandboxImage(StandardImages.PAUSE_REFERENCE).build());
  }

  @AfterAll
  static void stopDaemon() {
    if (daemon != null) {
      daemon.close();
    }
  }

  private static ContainerdChurnEngine engine() {
    return new ContainerdChurnEngine(new ContainerdAccess(daemon.cri().channel(), daemon.cri().endpoint()));
  }

  @Test
  void runsContainerdStressCycleAfterAnUncountedWarmupAndLeavesNothingOfItsNamespace() {
    List<String> lines = new CopyOnWriteArrayList<>();
    ChurnResult r = engine().run(ChurnOptions.builder().path(ChurnOptions.Path.CONTAINERD).workers(2).cycles(8)
        .warmup(Duration.ofMillis(400)).command("/bin/true").progress(lines::add).build());
    System.out.println(r.summary());
    assertThat(r.failureMessages()).isEmpty();
    assertThat(r.failures()).isZero();
    assertThat(r.cycles()).isEqualTo(8);
    assertThat(r.path()).isEqualTo(ChurnOptions.Path.CONTAINERD);
    assertThat(r.latencies().keySet()).containsExactlyElementsOf(ChurnResult.containerdOperations());
    assertThat(r.latencies().values()).allSatisfy(l -> {
      assertThat(l.count()).isEqualTo(8);
      assertThat(l.p50Millis()).isPositive().isLessThanOrEqualTo(l.maxMillis());
    });
    assertThat(r.completedPerSecond().stream().mapToLong(Long::longValue).sum()).isEqualTo(8);
    assertThat(lines).anySatisfy(l -> assertThat(l).matches("churn warm-up: [1-9][0-9]* cycles in .* s, not counted"));
    String namespace = lines.get(0).replaceFirst("^churn through containerd namespace (\\S+) at .*$", "$1");
    assertThat(namespace).startsWith(ContainerdChurnEngine.NAMESPACE_PREFIX);
    assertNothingLeftOf(namespace);
  }

  @Test
  void failingCommandCountsFailuresAndStillCleansUp() {
    List<String> lines = new CopyOnWriteArrayList<>();
    ChurnResult r = engine().run(ChurnOptions.builder().path(ChurnOptions.Path.CONTAINERD).workers(1).cycles(2)
        .command("/bin/false").progress(lines::add).build());
    System.out.println(r.summary());
    assertThat(r.cycles()).isZero();
    assertThat(r.failures()).isEqualTo(2);
    assertThat(r.failureMessages()).allSatisfy(m -> assertThat(m).contains("exited with status 1", "/bin/false"));
    assertNothingLeftOf(lines.get(0).replaceFirst("^churn through containerd namespace (\\S+) at .*$", "$1"));
  }

  @Test
  void imageThatIsNotThereIsNamedAndNothingIsMade() {
    String image = "podgate.local/no-such-image:0";
    List<String> before = namespaces();
    assertThatThrownBy(() -> engine().run(ChurnOptions.builder().path(ChurnOptions.Path.CONTAINERD).cycles(2)
        .image(image).build()))
        .isInstanceOf(PodgateException.class)
        .hasMessageContaining(image)
        .hasMessageContaining(StandardImages.BUSYBOX_REFERENCE)
        .hasMessageContaining("Path.CRI");
    assertThat(namespaces()).isEqualTo(before);
  }

  private static List<String> namespaces() {
    return NamespacesGrpc.newBlockingStub(daemon.cri().channel()).list(ListNamespacesRequest.getDefaultInstance())
        .getNamespacesList().stream().map(Namespace::getName).toList();
  }

  private static void assertNothingLeftOf(String namespace) {
    ManagedChannel channel = daemon.cri().channel();
    assertThat(namespaces()).doesNotContain(namespace);
    var headers = ContainerdHeaders.namespace(namespace);
    assertThat(ContainersGrpc.newBlockingStub(channel).withInterceptors(headers)
        .list(ListContainersRequest.getDefaultInstance()).getContainersList()).isEmpty();
    assertThat(TasksGrpc.newBlockingStub(channel).withInterceptors(headers)
        .list(ListTasksRequest.getDefaultInstance()).getTasksList()).isEmpty();
    List<String> snapshots = new ArrayList<>();
    SnapshotsGrpc.newBlockingStub(channel).withInterceptors(headers)
        .list(ListSnapshotsRequest.newBuilder().setSnapshotter(ContainerdChurnEngine.SNAPSHOTTER).build())
        .forEachRemaining(s -> s.getInfoList().forEach(i -> snapshots.add(i.getName())));
    assertThat(snapshots).isEmpty();
    assertThat(Path.of("/run/containerd/runc", namespace)).doesNotExist();
    try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
      assertThat(hierarchies.map(h -> h.resolve(namespace))).noneMatch(Files::exists);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    assertThat(ProcessHandle.allProcesses().map(p -> p.info().arguments().map(a -> String.join(" ", a)).orElse(""))
        .filter(cmd -> cmd.contains("-namespace " + namespace))).isEmpty();
  }
}
