package io.podgate.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podgate.CriContainer;
import io.podgate.ExecResult;
import io.podgate.HostPort;
import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import io.podgate.PortMapping;
import io.podgate.Wait;
import io.podgate.internal.cri.CriClient;
import io.podgate.internal.pod.PodgateSession;
import io.podgate.internal.pod.SandboxImage;
import io.podgate.internal.runtime.CriEndpoint;
import io.podgate.internal.host.HostProcesses;
import io.podgate.internal.runtime.RuntimeReadiness;
import io.podgate.internal.runtime.RuntimeStatus;
import io.podgate.testsupport.Faults;
import io.podgate.testsupport.FixtureOnly;
import io.podgate.testsupport.HostState;
import io.podgate.testsupport.RequiresContainerd;
import io.podgate.testsupport.SessionProbe;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * podgate on the containerd a Debian user has: the package's binary and shipped config, run
 * privately (see {@link PackagedContainerd}) and offline whatever the host's network (its pulls go to
 * a closed loopback proxy), with podgate.cri.endpoint pointing at it.
 */
@RequiresContainerd
class PackagedContainerdTest {
  static final String SANDBOX_IMAGE = "registry.k8s.io/pause:3.6";

  @Podgate
  @ExtendWith(FixtureOnly.class)
  static class NeedsAPod {
    @PodSandbox
    @CriContainer(name = "c", image = "podgate:busybox", command = {"sleep", "3600"})
    Pod pod;

    @Test
    void t() {}
  }

  @Podgate(disabledWithoutRuntime = true)
  @ExtendWith(FixtureOnly.class)
  static class SkipsWithoutRuntime {
    @PodSandbox
    Pod pod;

    @Test
    void t() {}
  }

  /** Paths under the system's /run/containerd that existed while the seed's pod ran. */
  static final List<Path> RUN_PATHS_SEEN = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** The seed scenario. */
  @Podgate
  @ExtendWith({FixtureOnly.class, SessionProbe.class})
  static class Seed {
    @PodSandbox(name = "seed", ports = @PortMapping(containerPort = 80, hostIp = "127.0.0.1"))
    @CriContainer(name = "nginx", image = "podgate:nginx", waitFor = @Wait(httpPath = "/", httpPort = 80))
    @CriContainer(name = "debug", image = "podgate:debug")
    Pod pod;

    @HostPort(pod = "seed", containerPort = 80)
    int hostPort;

    @Test
    void nginxAnswersByPodIpAndHostPortAndDebugHasIperf3() throws Exception {
      String byPodIp = fetch("http://" + pod.ip() + "/");
      assertThat(byPodIp).isEqualTo("podgate nginx ok\n");
      assertThat(fetch("http://127.0.0.1:" + hostPort + "/")).isEqualTo(byPodIp);
      ExecResult iperf = pod.container("debug").exec("iperf3", "--version");
      assertThat(iperf.exitCode()).as(iperf.stderr()).isZero();
      assertThat(iperf.stdout()).startsWith("iperf 3");
      Path socket = Path.of(System.getProperty(CriEndpoint.PROPERTY).substring("unix://".length()));
      PackagedContainerd.systemRunPaths(socket, pod.id()).stream().filter(Files::exists).forEach(RUN_PATHS_SEEN::add);
    }

    static String fetch(String url) throws IOException {
      try (InputStream in = URI.create(url).toURL().openStream()) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }
  }

  @BeforeEach
  void noSessionInThisJvm() {
    assertThat(PodgateSession.active()).as("another test class still holds a session").isFalse();
    assertThat(System.getProperty(CriEndpoint.PROPERTY)).isNull();
  }

  static Path baseDir(String name) {
    return Path.of(System.getProperty("podgate.workdir", "/tmp/podgate-test"))
        .resolve(name + "-" + UUID.randomUUID().toString().substring(0, 8));
  }

  /** Runs {@code fixture} with podgate.cri.endpoint (and {@code properties}) set, restoring them after. */
  static EngineExecutionResults onEndpoint(PackagedContainerd daemon, Map<String, String> properties,
      Class<?> fixture) {
    System.setProperty(CriEndpoint.PROPERTY, daemon.endpoint());
    properties.forEach(System::setProperty);
    try {
      return Faults.run(fixture);
    } finally {
      System.clearProperty(CriEndpoint.PROPERTY);
      properties.keySet().forEach(System::clearProperty);
    }
  }

  static List<Map<String, String>> reportEntries(EngineExecutionResults r) {
    return r.allEvents().reportingEntryPublished().stream()
        .map(e -> e.getRequiredPayload(ReportEntry.class).getKeyValuePairs()).toList();
  }

  /** Pod sandboxes, their directories and shims: what a RunPodSandbox leaves in and around the daemon. */
  static List<String> podsOf(PackagedContainerd daemon) throws IOException {
    List<String> found = new ArrayList<>();
    try (CriClient cri = CriClient.connect(daemon.socket())) {
      cri.listPodSandbox().forEach(p -> found.add("pod " + p.getMetadata().getName() + " " + p.getId()));
    }
    Path sandboxes = daemon.daemon().baseDir().resolve("root/io.containerd.grpc.v1.cri/sandboxes");
    if (Files.isDirectory(sandboxes)) {
      try (Stream<Path> s = Files.list(sandboxes)) {
        s.forEach(d -> found.add("sandbox directory " + d));
      }
    }
    HostProcesses.shimsOf(daemon.socket()).forEach(pid -> found.add("shim " + pid));
    return found;
  }

  /** The message a fixture class failed with. */
  static String classFailure(EngineExecutionResults r) {
    return r.containerEvents().failed().stream()
        .map(e -> e.getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow().getMessage())
        .findFirst().orElseThrow();
  }

  static String withoutRememberNote(String failures) {
    return failures.replace("\n(podgate tried this once in this JVM and does not retry with the same"
        + " configuration.)", "");
  }

  @Test
  void withoutConflistEverySessionStartFailsAtOnceQuotingNetworkReadyAndNothingIsMade() throws Exception {
    Path base = baseDir("pkg-nocni");
    PackagedContainerd daemon = PackagedContainerd.start("pkg-nocni", "pgend3", "10.86.2.0/24", base, false, true);
    EngineExecutionResults first;
    EngineExecutionResults again;
    EngineExecutionResults skipped;
    List<String> made;
    String log;
    try {
      RuntimeStatus status;
      try (CriClient cri = CriClient.connect(daemon.socket())) {
        status = RuntimeStatus.of(cri.status(true));
      }
      assertThat(status.sandboxImage()).as("Debian's containerd reports its sandbox image").contains(SANDBOX_IMAGE);
      assertThat(status.cniConfDir()).contains(base.resolve("cni/net.d").toString());
      assertThat(status.restrictOomScoreAdj()).contains(true);
      assertThat(status.unmet()).extracting(RuntimeStatus.Condition::type).containsExactly("NetworkReady");
      RuntimeStatus.Condition network = status.unmet().get(0);

      first = onEndpoint(daemon, Map.of(), NeedsAPod.class);
      assertThat(first.containerEvents().failed().count()).isEqualTo(1);
      assertThat(first.testEvents().started().count()).as("no test ran").isZero();
      String message = Faults.failures(first);
      assertThat(message)
          .contains("podgate has no container runtime")
          .contains(daemon.endpoint())
          .contains("NetworkReady=false")
          .contains(network.reason())
          .contains(network.message())
          .contains("CNI conf dir " + base.resolve("cni/net.d"))
          .contains("\"type\": \"bridge\"").contains("\"type\": \"host-local\"").contains("\"type\": \"portmap\"")
          .contains("unset system property " + CriEndpoint.PROPERTY)
          .contains("podgate created nothing there")
          .doesNotContain("Run as root with containerd");

      // fixed underneath: the same configuration is not tried again in this JVM
      Files.writeString(base.resolve("cni/net.d/10-late.conflist"), RuntimeReadiness.exampleConflist("late", "pgend3",
          "10.86.2.0/24", Optional.of(base.resolve("cni/ipam"))));
      await("NetworkReady after the conflist appeared").atMost(Duration.ofSeconds(30))
          .until(() -> {
            try (CriClient cri = CriClient.connect(daemon.socket())) {
              return RuntimeStatus.of(cri.status(true)).unmet().isEmpty();
            }
          });
      again = onEndpoint(daemon, Map.of(), NeedsAPod.class);
      skipped = onEndpoint(daemon, Map.of(), SkipsWithoutRuntime.class);
      made = podsOf(daemon);
      log = daemon.daemon().logTail(2000);
      assertThat(classFailure(again)).as("the remembered failure")
          .contains("does not retry with the same configuration");
      assertThat(withoutRememberNote(classFailure(again))).isEqualTo(classFailure(first));
      assertThat(skipped.containerEvents().skipped().stream().map(e -> e.getRequiredPayload(String.class)).toList())
          .singleElement().asString().contains("no container runtime").contains("NetworkReady=false");
    } finally {
      daemon.close();
    }
    assertThat(made).as("pods, sandboxes and shims the session left in the daemon").isEmpty();
    assertThat(log).as("containerd's log: no pod sandbox (nor its netns) was ever asked for").contains("Start cri plugin")
        .doesNotContain("RunPodSandbox");
    assertThat(PodgateSession.active()).isFalse();
    HostState.assertClean("pgend3", daemon.subnet(), List.of(
        new SessionProbe.Seen("packaged", base, daemon.daemon().pid(), daemon.socket(), "pgend3")));
  }

  @Test
  void seedScenarioPassesOfflineWithTheSandboxImageImported() throws Exception {
    Path base = baseDir("pkg-seed");
    PackagedContainerd daemon = PackagedContainerd.start("pkg-seed", "pgend1", "10.86.0.0/24", base, true, true);
    EngineExecutionResults refused;
    EngineExecutionResults seed;
    List<SessionProbe.Seen> sessions = new ArrayList<>();
    boolean pauseThere;
    RUN_PATHS_SEEN.clear();
    try {
      try (CriClient cri = CriClient.connect(daemon.socket())) {
        assertThat(cri.imageStatus(SANDBOX_IMAGE)).as("a fresh root has no pause image").isEmpty();
      }
      refused = onEndpoint(daemon, Map.of(SandboxImage.IMPORT_PROPERTY, "false"), Seed.class);
      assertThat(refused.testEvents().started().count()).isZero();
      assertThat(Faults.failures(refused))
          .contains("no sandbox image " + SANDBOX_IMAGE)
          .contains("could not pull it")
          .as("offline whatever the host's network: the pull went to the closed loopback proxy")
          .contains("proxyconnect tcp: dial tcp " + daemon.proxy() + ": connect: connection refused")
          .contains(SandboxImage.IMPORT_PROPERTY + "=false")
          .contains("ctr -n k8s.io images import");

      seed = onEndpoint(daemon, Map.of(), Seed.class); // another configuration: tried afresh
      sessions.addAll(SessionProbe.SEEN);
      try (CriClient cri = CriClient.connect(daemon.socket())) {
        pauseThere = cri.imageStatus(SANDBOX_IMAGE).isPresent();
      }
    } finally {
      daemon.close();
    }
    assertThat(Faults.failures(seed)).as("what the seed scenario saw").isEmpty();
    assertThat(RUN_PATHS_SEEN).as("containerd's shim socket and runc state of the seed pod under /run/containerd")
        .hasSize(2);
    assertThat(RUN_PATHS_SEEN).as("left under /run/containerd").noneMatch(Files::exists);
    assertThat(seed.testEvents().succeeded().count()).isEqualTo(1);
    assertThat(pauseThere).as(SANDBOX_IMAGE + " imported into the runtime").isTrue();
    assertThat(reportEntries(seed)).filteredOn(e -> e.containsKey("podgate.notice")).isNotEmpty()
        .allSatisfy(e -> assertThat(e.get("podgate.notice"))
            .contains("imported its offline pause image as " + SANDBOX_IMAGE)
            .contains("proxyconnect tcp: dial tcp " + daemon.proxy())
            .contains(SandboxImage.IMPORT_PROPERTY + "=false"));
    sessions.add(new SessionProbe.Seen("packaged", base, daemon.daemon().pid(), daemon.socket(), "pgend1"));
    HostState.assertClean("pgend1", daemon.subnet(), sessions);
  }

  @Test
  void runcPipeFailureWithoutRestrictOomScoreAdjNamesTheFix() throws Exception {
    Path base = baseDir("pkg-oom");
    PackagedContainerd daemon = PackagedContainerd.start("pkg-oom", "pgend2", "10.86.1.0/24", base, true, false);
    EngineExecutionResults r;
    List<String> made;
    String log;
    try {
      r = onEndpoint(daemon, Map.of(), NeedsAPod.class);
      made = podsOf(daemon);
      log = daemon.daemon().logTail(2000);
    } finally {
      daemon.close();
    }
    String failures = Faults.failures(r);
    Supplier<String> why = () -> "RunPodSandbox passed without restrict_oom_score_adj: this host lets runc lower"
        + " oom_score_adj (it has CAP_SYS_RESOURCE), so the hint cannot be seen here";
    if (failures.isEmpty()) {
      HostState.assertClean("pgend2", daemon.subnet(), List.of());
      Assumptions.abort(why);
    }
    assertThat(failures)
        .contains("can't get final child's PID from pipe")
        .contains("restrict_oom_score_adj = true")
        .contains("[plugins.\"io.containerd.grpc.v1.cri\"]")
        .contains("CAP_SYS_RESOURCE");
    assertThat(log).as("containerd's log names the call").contains("RunPodSandbox");
    assertThat(made).as("what the failed RunPodSandbox left in the daemon").isEmpty();
    HostState.assertClean("pgend2", daemon.subnet(), List.of(
        new SessionProbe.Seen("packaged", base, daemon.daemon().pid(), daemon.socket(), "pgend2")));
  }
}
