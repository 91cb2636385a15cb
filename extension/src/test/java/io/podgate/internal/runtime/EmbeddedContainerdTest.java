package io.podgate.internal.runtime;

import io.podgate.internal.host.HostNetwork;
import io.podgate.internal.host.HostCommand;
import io.podgate.internal.host.HostProcesses;
import io.podgate.internal.host.IptablesCleanup;
import io.podgate.internal.host.Ipv4Subnet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podgate.PodgateException;
import io.podgate.internal.cri.CriClient;
import io.podgate.internal.cri.v1.VersionResponse;
import io.podgate.testsupport.RequiresContainerd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Starts real containerd daemons on this host (bridges pgcri0/pgcri1, subnets 10.201.0.0/24 and 10.201.1.0/24). */
class EmbeddedContainerdTest {
  static final Path PRIVATE = Path.of("/tmp/pg-cri");

  static ContainerdOptions.Builder first() {
    return ContainerdOptions.builder().name("cri-a").bridgeName("pgcri0").podSubnet("10.201.0.0/24");
  }

  static ContainerdOptions.Builder second() {
    return ContainerdOptions.builder().name("cri-b").bridgeName("pgcri1").podSubnet("10.201.1.0/24");
  }

  @RequiresContainerd
  @Test
  void startsAnswersVersionAndStatusAndLeavesNothingBehind() {
    EmbeddedContainerd d = EmbeddedContainerd.start(first().build());
    long pid = d.pid();
    Path base = d.baseDir();
    try {
      assertThat(HostProcesses.alive(pid)).isTrue();
      assertThat(CriEndpoint.isSocket(d.socket())).isTrue();
      assertThat(base.getFileName().toString()).startsWith("podgate-cri-a-");
      VersionResponse v = d.cri().version();
      assertThat(v.getRuntimeName()).isEqualTo("containerd");
      assertThat(v.getRuntimeApiVersion()).isEqualTo("v1");
      var status = d.cri().status();
      assertThat(CriClient.conditionMet(status, "RuntimeReady")).isTrue();
      assertThat(CriClient.conditionMet(status, "NetworkReady")).isTrue();
      assertThat(d.cri().listPodSandbox()).isEmpty();
      CriEndpoint endpoint = CriEndpoint.parse("unix://" + d.socket(), "system property " + CriEndpoint.PROPERTY);
      try (CriClient viaEndpoint = endpoint.connect()) {
        assertThat(viaEndpoint.version().getRuntimeVersion()).isEqualTo(v.getRuntimeVersion());
      }
    } finally {
      d.close();
    }
    assertLeftNothing(pid, base, "pgcri0", "10.201.0.0/24");
    d.close(); // second close is a no-op
  }

  @RequiresContainerd
  @Test
  void twoDaemonsRunAtOnceWithDistinctBridgesAndSubnets() {
    try (EmbeddedContainerd a = EmbeddedContainerd.start(first().build());
        EmbeddedContainerd b = EmbeddedContainerd.start(second().build())) {
      assertThat(a.pid()).isNotEqualTo(b.pid());
      assertThat(a.socket()).isNotEqualTo(b.socket());
      assertThat(a.cri().version().getRuntimeName()).isEqualTo("containerd");
      assertThat(b.cri().version().getRuntimeName()).isEqualTo("containerd");
      assertThat(Files.readString(a.baseDir().resolve("config.toml"))).contains(a.baseDir().toString())
          .doesNotContain(b.baseDir().toString());
      assertThat(a.gateway()).isEqualTo("10.201.0.1");
      assertThat(b.gateway()).isEqualTo("10.201.1.1");
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @RequiresContainerd
  @Test
  void missingBinaryIsNamed() {
    Path nowhere = PRIVATE.resolve("no-such-containerd");
    assertThatThrownBy(() -> EmbeddedContainerd.start(first().containerdBinary(nowhere).build()))
        .isInstanceOf(PodgateException.class)
        .hasMessageContaining(nowhere.toString())
        .hasMessageContaining("install the containerd package");
  }

  @RequiresContainerd
  @Test
  void daemonThatDiesAtStartReportsItsLogAndLeavesNothing() throws Exception {
    Files.createDirectories(PRIVATE);
    Path fake = PRIVATE.resolve("broken-containerd.sh");
    Files.writeString(fake, "#!/bin/sh\necho \"cannot load config: broken on purpose\"\nexit 3\n");
    fake.toFile().setExecutable(true);
    Path base = PRIVATE.resolve("dies-at-start");
    assertThatThrownBy(() -> EmbeddedContainerd.start(first().containerdBinary(fake).baseDir(base).build()))
        .isInstanceOf(PodgateException.class)
        .hasMessageContaining("exited with code 3")
        .hasMessageContaining("cannot load config: broken on purpose");
    assertThat(base).doesNotExist();
    Files.delete(fake);
  }

  @RequiresContainerd
  @Test
  void daemonNotReadyInTimeIsStoppedAndNamed() {
    Path base = PRIVATE.resolve("never-ready");
    assertThatThrownBy(() ->
            EmbeddedContainerd.start(first().baseDir(base).readyTimeout(Duration.ofMillis(1)).build()))
        .isInstanceOf(PodgateException.class)
        .hasMessageContaining("did not report RuntimeReady and NetworkReady within PT0.001S")
        .hasMessageContaining("containerd.log");
    assertThat(base).doesNotExist();
    assertThat(daemonsUsing(base)).isEmpty();
  }

  @RequiresContainerd
  @Test
  void existingBridgeNameIsRefused() {
    HostCommand.run(List.of("ip", "link", "add", "pgcri1", "type", "bridge")).orThrow("test setup");
    try {
      assertThatThrownBy(() -> EmbeddedContainerd.start(second().build()))
          .isInstanceOf(PodgateException.class)
          .hasMessageContaining("bridge pgcri1")
          .hasMessageContaining("already exists");
    } finally {
      HostCommand.run(List.of("ip", "link", "del", "pgcri1")).orThrow("test cleanup");
    }
  }

  @RequiresContainerd
  @Test
  void subnetOverlappingAHostRouteIsRefused() {
    String route = HostCommand.run(List.of("ip", "-4", "route", "show")).output().lines()
        .filter(l -> HostNetwork.routeDestination(l).isPresent())
        .findFirst()
        .orElseThrow(() -> new AssertionError("this host has no non-default IPv4 route to collide with"));
    Ipv4Subnet taken = HostNetwork.routeDestination(route).get();
    Ipv4Subnet wide = new Ipv4Subnet(taken.network() & Ipv4Subnet.mask(Math.min(taken.prefix(), 24)),
        Math.min(taken.prefix(), 24));
    assertThatThrownBy(() -> EmbeddedContainerd.start(first().podSubnet(wide.toString()).build()))
        .isInstanceOf(PodgateException.class)
        .hasMessageContaining("overlaps the host route")
        .hasMessageContaining(route.strip());
  }

  @Test
  void badOptionsAreNamed() {
    assertThatThrownBy(() -> first().bridgeName("a-name-longer-than-15").build())
        .hasMessageContaining("1-15 characters");
    assertThatThrownBy(() -> first().podSubnet("10.201.0.1/24")).hasMessageContaining("host bits")
        .hasMessageContaining("10.201.0.0/24");
    assertThatThrownBy(() -> first().name("Bad Name").build()).hasMessageContaining("'Bad Name'");
  }

  static List<Long> daemonsUsing(Path base) {
    return HostProcesses.allPids().stream()
        .filter(pid -> HostProcesses.cmdline(pid).map(a -> String.join(" ", a).contains(base.toString()))
            .orElse(false))
        .toList();
  }

  static void assertLeftNothing(long pid, Path base, String bridge, String subnet) {
    assertThat(HostProcesses.alive(pid)).as("containerd pid %d still alive", pid).isFalse();
    assertThat(HostProcesses.shimsOf(base.resolve("containerd.sock"))).isEmpty();
    assertThat(daemonsUsing(base)).isEmpty();
    assertThat(Path.of("/sys/class/net", bridge)).doesNotExist();
    assertThat(base).doesNotExist();
    assertThat(IptablesCleanup.leftovers(Ipv4Subnet.parse(subnet))).isEmpty();
    assertThat(runcStateUnder(base)).isEmpty();
  }

  /** runc state directories of containers whose rootfs lay under {@code base}. */
  static List<Path> runcStateUnder(Path base) {
    Path runc = Path.of("/run/containerd/runc");
    if (!Files.isDirectory(runc)) {
      return List.of();
    }
    try (var namespaces = Files.list(runc)) {
      List<Path> found = new java.util.ArrayList<>();
      for (Path ns : namespaces.toList()) {
        try (var containers = Files.list(ns)) {
          for (Path c : containers.toList()) {
            Path state = c.resolve("state.json");
            if (Files.isRegularFile(state) && Files.readString(state).contains(base + "/")) {
              found.add(c);
            }
          }
        }
      }
      return found;
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
