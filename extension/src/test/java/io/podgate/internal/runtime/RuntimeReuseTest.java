package io.podgate.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podgate.internal.cri.CriClient;
import io.podgate.internal.cri.v1.PodSandbox;
import io.podgate.internal.host.HostProcesses;
import io.podgate.internal.host.PodgateLabels;
import io.podgate.internal.pod.PodgateSession;
import io.podgate.testsupport.ForkedJvm;
import io.podgate.testsupport.HostState;
import io.podgate.testsupport.RequiresContainerd;
import io.podgate.testsupport.SessionProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A containerd reused across test JVMs, with real JVMs forked on this class path: the next JVM finds
 * it and the previous JVM's pods are gone; a JVM killed with -9 loses its pods within 30 s while the
 * runtime stays usable; two JVMs at once each get their own pods; the idle timeout stops it and
 * leaves the host as it was; CI=true gives a private runtime unless reuse is asked for.
 */
@RequiresContainerd
class RuntimeReuseTest {
  private final List<ForkedJvm> forks = new ArrayList<>();
  private final List<SessionProbe.Seen> seen = new ArrayList<>();
  private Path workdir;
  private Path dir;

  @BeforeEach
  void freshWorkdir() {
    assertThat(PodgateSession.active()).as("a session of this JVM would hold the same bridge").isFalse();
    workdir = Path.of(System.getProperty("podgate.workdir", "/tmp/podgate"), "reuse-" + UUID.randomUUID().toString()
        .substring(0, 8)).toAbsolutePath();
    dir = SharedContainerd.directory(workdir, HostState.bridge());
  }

  @AfterEach
  void stopAndCheckTheHost() throws Exception {
    for (ForkedJvm f : forks) {
      f.close();
      f.process().waitFor();
    }
    Long keeper = keeperPid();
    await("the JVMs' client files to count as gone").atMost(Duration.ofSeconds(10))
        .until(() -> SharedContainerd.liveClients(dir).isEmpty());
    assertThat(SharedContainerd.stopIfUnused(dir, l -> {})).as("stopped the runtime").isTrue();
    HostState.assertClean(HostState.bridge(), HostState.subnet(), seen);
    assertThat(dir).doesNotExist();
    if (keeper != null) {
      await("keeper " + keeper + " ends").atMost(Duration.ofSeconds(10)).until(() -> !HostProcesses.alive(keeper));
      assertThat(dir).as("the runtime directory once its keeper ended (it must not bring it back)").doesNotExist();
    }
    io.podgate.internal.host.FileTrees.delete(workdir);
  }

  @Test
  void nextJvmReusesTheRuntimeAndThePreviousJvmsPodsAreGone() throws Exception {
    ForkedJvm first = fork(Map.of(), 600, List.of());
    Map<String, String> s1 = line(first, "SESSION");
    Map<String, String> p1 = line(first, "POD");
    assertThat(s1).containsEntry("reused", "true").containsEntry("started", "true");
    assertThat(p1).containsEntry("exec", "0");
    first.send("exit");
    first.awaitLine("CLOSED"::equals, Duration.ofSeconds(60));
    assertThat(first.process().waitFor()).isZero();
    assertThat(SharedContainerd.readState(dir).orElseThrow().alive()).as("runtime after the first JVM exited").isTrue();

    ForkedJvm second = fork(Map.of(), 600, List.of());
    Map<String, String> s2 = line(second, "SESSION");
    Map<String, String> p2 = line(second, "POD");
    assertThat(s2).containsEntry("reused", "true").containsEntry("started", "false")
        .containsEntry("daemon", s1.get("daemon"));
    assertThat(s2.get("id")).isNotEqualTo(s1.get("id"));
    assertThat(p2).containsEntry("exec", "0");
    assertThat(podsOf(s1.get("id"))).as("pods of the first JVM").isEmpty();
    assertThat(podsOf(s2.get("id"))).as("pods of the second JVM").hasSize(1);
  }

  @Test
  void killedJvmLosesItsPodsWithin30sAndTheRuntimeServesTheNext() throws Exception {
    ForkedJvm doomed = fork(Map.of(), 600, List.of());
    Map<String, String> s1 = line(doomed, "SESSION");
    line(doomed, "POD");
    assertThat(podsOf(s1.get("id"))).hasSize(1);
    doomed.kill();
    long daemon = Long.parseLong(s1.get("daemon"));
    await("the killed JVM's pods and session directory").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
          assertThat(podsOf(s1.get("id"))).as("pods").isEmpty();
          assertThat(HostState.podLeftovers()).as("pod network state").isEmpty();
          assertThat(Path.of(s1.get("dir"))).doesNotExist();
        });
    assertThat(HostProcesses.alive(daemon)).as("the reused containerd").isTrue();

    ForkedJvm next = fork(Map.of(), 600, List.of());
    Map<String, String> s2 = line(next, "SESSION");
    assertThat(s2).containsEntry("daemon", s1.get("daemon")).containsEntry("started", "false");
    assertThat(line(next, "POD")).containsEntry("exec", "0");
  }

  @Test
  void classPodsAreHandedToTheKeeperAndTheRunEndsWithoutRemovingThem() throws Exception {
    ForkedJvm first = forkLauncher();
    assertThat(line(first, "EARLY")).as("no runtime ran: none is started before a podgate test")
        .containsEntry("attached", "false");
    assertThat(first.awaitLine(l -> l.startsWith("RAN "), Duration.ofSeconds(180))).isEqualTo("RAN failures=0");
    assertThat(first.process().waitFor()).isZero();

    ForkedJvm run = forkLauncher("runtime-runs");
    assertThat(line(run, "EARLY")).as("the launcher session opening attaches to the runtime that runs, its calls"
        + " relayed by the keeper").containsEntry("attached", "true").containsEntry("relayed", "true");
    Map<String, String> pod = line(run, "POD");
    assertThat(run.awaitLine(l -> l.startsWith("RAN "), Duration.ofSeconds(120))).isEqualTo("RAN failures=0");
    assertThat(run.process().waitFor()).isZero();
    Path keeperLog = dir.resolve("keeper.log");
    String removedByKeeper = "removed pod " + pod.get("name") + " " + pod.get("id") + " handed off by pid " + run.process().pid();
    await("the keeper removes the pod the run handed to it").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
          assertThat(Files.readString(keeperLog)).contains(removedByKeeper);
          assertThat(HostState.podLeftovers()).as("pod network state").isEmpty();
        });
    assertThat(podIds()).doesNotContain(pod.get("id"));
    assertThat(RemovalHandOff.pending(dir)).as("requests left").isEmpty();
    assertThat(RemovalHandOff.failures(dir)).as("failures recorded").isEmpty();
    assertThat(dir.resolve("sessions")).as("session directories").isEmptyDirectory();
  }

  @Test
  void aClassPodRemovedBehindPodgatesBackIsNotHandedOffAndFailsTheRun() throws Exception {
    ForkedJvm run = forkLauncher("removed-behind");
    assertThat(run.awaitLine(l -> l.startsWith("FAILURE "), Duration.ofSeconds(180)))
        .contains("removing the pods of test class").contains("pod 'gone'")
        .contains("no longer exists; something else removed it");
    assertThat(run.awaitLine(l -> l.startsWith("RAN "), Duration.ofSeconds(60))).isEqualTo("RAN failures=1");
    assertThat(run.process().waitFor()).isZero();
    assertThat(RemovalHandOff.pending(dir)).as("nothing handed off").isEmpty();
  }

  @Test
  void twoJvmsAtOnceShareTheRuntimeButNoPod() throws Exception {
    ForkedJvm a = fork(Map.of(), 600, List.of());
    ForkedJvm b = fork(Map.of(), 600, List.of());
    Map<String, String> sa = line(a, "SESSION");
    Map<String, String> sb = line(b, "SESSION");
    Map<String, String> pa = line(a, "POD");
    Map<String, String> pb = line(b, "POD");
    assertThat(sa.get("daemon")).as("one runtime").isEqualTo(sb.get("daemon"));
    assertThat(List.of(sa.get("started"), sb.get("started"))).as("exactly one JVM started it")
        .containsExactlyInAnyOrder("true", "false");
    assertThat(pa.get("id")).isNotEqualTo(pb.get("id"));
    assertThat(pa.get("ip")).isNotEqualTo(pb.get("ip"));
    assertThat(podsOf(sa.get("id"))).extracting(PodSandbox::getId).containsExactly(pa.get("id"));
    assertThat(podsOf(sb.get("id"))).extracting(PodSandbox::getId).containsExactly(pb.get("id"));
    assertThat(SharedContainerd.liveClients(dir)).containsExactlyInAnyOrder(a.process().pid(), b.process().pid());
    a.send("exit");
    a.awaitLine("CLOSED"::equals, Duration.ofSeconds(60));
    assertThat(podsOf(sb.get("id"))).as("b's pod after a ended").hasSize(1);
    b.send("exit");
    b.awaitLine("CLOSED"::equals, Duration.ofSeconds(60));
  }

  @Test
  void idleTimeoutStopsItAndLeavesTheHostAsItWas() throws Exception {
    List<String> before = HostState.leftovers(HostState.bridge(), HostState.subnet(), List.of());
    ForkedJvm only = fork(Map.of(), 3, List.of());
    Map<String, String> s = line(only, "SESSION");
    line(only, "POD");
    Long keeper = keeperPid();
    assertThat(keeper).as("keeper pid").isNotNull();
    only.send("exit");
    only.awaitLine("CLOSED"::equals, Duration.ofSeconds(60));
    awaitIdleStop(Long.parseLong(s.get("daemon")), keeper, before, Duration.ofSeconds(30));
  }

  /**
   * The keeper killed with -9 while it relays a call of a JVM that attached to the running runtime: that
   * call fails naming the keeper, the JVM's next calls go to containerd itself, and its session's end starts
   * a keeper again, whose idle timeout stops the runtime once the other JVM ends too and leaves the host as it was.
   */
  @Test
  void aKeeperKilledMidCallFailsThatCallAndTheNextKeeperStopsTheIdleRuntime() throws Exception {
    List<String> before = HostState.leftovers(HostState.bridge(), HostState.subnet(), List.of());
    ForkedJvm starter = fork(Map.of(), 3, List.of());
    Map<String, String> s = line(starter, "SESSION");
    line(starter, "POD");
    ForkedJvm attached = fork(Map.of(), 3, List.of());
    assertThat(line(attached, "SESSION")).as("relays its calls through the keeper").containsEntry("started", "false");
    line(attached, "POD");
    Long keeper = keeperPid();
    assertThat(keeper).as("keeper pid").isNotNull();
    attached.send("slow-exec");
    await("the relayed exec running in the pod").atMost(Duration.ofSeconds(20)).until(() -> HostProcesses.allPids()
        .stream().anyMatch(p -> HostProcesses.cmdline(p).map(a -> a.equals(List.of("sleep", "4"))).orElse(false)));
    ProcessHandle.of(keeper).orElseThrow().destroyForcibly();
    assertThat(line(attached, "SLOWEXEC")).as("the call the keeper took").containsKey("failed")
        .hasEntrySatisfying("failed", m -> assertThat(m).contains("UNAVAILABLE").contains("keeper"));
    attached.send("exec");
    assertThat(line(attached, "EXEC")).as("the next call, to containerd itself").containsEntry("exit", "0");
    attached.send("exit");
    attached.awaitLine("CLOSED"::equals, Duration.ofSeconds(60));
    await("a keeper started by the session's end").atMost(Duration.ofSeconds(20)).until(() -> {
      Long k = keeperPid();
      return k != null && !k.equals(keeper) && HostProcesses.alive(k);
    });
    long next = keeperPid();
    starter.send("exit");
    starter.awaitLine("CLOSED"::equals, Duration.ofSeconds(60));
    awaitIdleStop(Long.parseLong(s.get("daemon")), next, before, Duration.ofSeconds(40));
  }

  /** The keeper's idle timeout stops {@code daemon}, the keeper ends, and the host is as {@code before}. */
  private void awaitIdleStop(long daemon, long keeper, List<String> before, Duration within) {
    await("the idle runtime stops and removes everything").atMost(within)
        .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
          assertThat(HostProcesses.alive(daemon)).as("containerd").isFalse();
          assertThat(HostProcesses.alive(keeper)).as("keeper").isFalse();
          assertThat(dir).doesNotExist();
          assertThat(HostState.leftovers(HostState.bridge(), HostState.subnet(), seen)).isEqualTo(before);
        });
  }

  @Test
  void ciGetsAPrivateRuntimeUnlessReuseIsAsked() throws Exception {
    ForkedJvm ci = fork(Map.of("CI", "true", RuntimeReuse.ENV, ""), 600, List.of("ci-default"));
    Map<String, String> s = line(ci, "SESSION");
    line(ci, "POD");
    assertThat(s).containsEntry("reused", "false");
    assertThat(dir).as("no reused runtime directory").doesNotExist();
    ci.send("exit");
    ci.awaitLine("CLOSED"::equals, Duration.ofSeconds(60));
    assertThat(ci.process().waitFor()).isZero();
    HostState.assertClean(HostState.bridge(), HostState.subnet(), seen);

    ForkedJvm asked = fork(Map.of("CI", "true"), 600, List.of());
    assertThat(line(asked, "SESSION")).containsEntry("reused", "true");
  }

  @Test
  void aRunWithReuseOffStopsAnIdleReusedRuntimeOnItsBridge() throws Exception {
    ForkedJvm reusing = fork(Map.of(), 600, List.of());
    long daemon = Long.parseLong(line(reusing, "SESSION").get("daemon"));
    line(reusing, "POD");
    reusing.send("exit");
    reusing.awaitLine("CLOSED"::equals, Duration.ofSeconds(60));
    assertThat(reusing.process().waitFor()).isZero();

    ForkedJvm own = fork(Map.of(), 600, List.of(), false);
    Map<String, String> s = line(own, "SESSION");
    assertThat(line(own, "POD")).containsEntry("exec", "0");
    assertThat(s).containsEntry("reused", "false");
    assertThat(HostProcesses.alive(daemon)).as("the idle reused containerd").isFalse();
    assertThat(dir).doesNotExist();
  }

  private ForkedJvm fork(Map<String, String> env, int idleSeconds, List<String> args) throws Exception {
    return fork(env, idleSeconds, args, true);
  }

  private ForkedJvm fork(Map<String, String> env, int idleSeconds, List<String> args, boolean reuse) throws Exception {
    ForkedJvm f = ForkedJvm.start(env, List.of("-Dpodgate.workdir=" + workdir, "-Dpodgate.runtime.reuse=" + reuse,
        "-Dpodgate.runtime.idleTimeout=" + idleSeconds), ReusingJvmFork.class, args);
    forks.add(f);
    return f;
  }

  /** A JVM with reuse on that runs a class through a JUnit launcher session ({@link ReusingLauncherFork}). */
  private ForkedJvm forkLauncher(String... args) throws Exception {
    ForkedJvm f = ForkedJvm.start(Map.of(), List.of("-Dpodgate.workdir=" + workdir, "-Dpodgate.runtime.reuse=true",
        "-Dpodgate.runtime.idleTimeout=600"), ReusingLauncherFork.class, List.of(args));
    forks.add(f);
    return f;
  }

  private Map<String, String> line(ForkedJvm f, String key) throws Exception {
    String l = f.awaitLine(x -> x.startsWith(key + " "), Duration.ofSeconds(180));
    Map<String, String> m = new HashMap<>();
    for (String kv : l.substring(key.length() + 1).split(" ")) {
      m.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
    }
    if (key.equals("SESSION")) {
      seen.add(new SessionProbe.Seen(m.get("id"), Path.of(m.get("dir")), Long.parseLong(m.get("daemon")),
          null, HostState.bridge()));
    }
    return m;
  }

  private List<PodSandbox> podsOf(String session) {
    Path socket = SharedContainerd.readState(dir).orElseThrow().socket();
    try (CriClient cri = CriClient.connect(socket)) {
      return cri.listPodSandbox().stream()
          .filter(p -> session.equals(p.getLabelsOrDefault(PodgateLabels.SESSION, ""))).toList();
    }
  }

  private List<String> podIds() {
    Path socket = SharedContainerd.readState(dir).orElseThrow().socket();
    try (CriClient cri = CriClient.connect(socket)) {
      return cri.listPodSandbox().stream().map(PodSandbox::getId).toList();
    }
  }

  private Long keeperPid() {
    try {
      return Long.parseLong(Files.readString(dir.resolve("keeper.pid")).strip());
    } catch (Exception e) {
      return null;
    }
  }
}
