package io.podgate.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podgate.PodgateException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing and planning pieces of the runtime layer, without a daemon. */
class RuntimeUnitsTest {
  @TempDir Path tmp;

  @Test
  void endpointThatIsARegularFileIsRefusedNamingTheVariable() throws Exception {
    Path file = Files.writeString(tmp.resolve("containerd.sock"), "not a socket");
    assertThatThrownBy(() ->
            CriEndpoint.configured(k -> null, Map.of(CriEndpoint.ENV, "unix://" + file)::get))
        .isInstanceOf(PodgateException.class)
        .hasMessageContaining("environment variable PODGATE_CRI_ENDPOINT")
        .hasMessageContaining("is not a unix socket (a regular file)")
        .hasMessageContaining("leave it unset");
  }

  @Test
  void endpointPropertyWinsAndIsChecked() {
    Path missing = tmp.resolve("gone.sock");
    assertThatThrownBy(() -> CriEndpoint.configured(
            Map.of(CriEndpoint.PROPERTY, "unix://" + missing)::get, Map.of(CriEndpoint.ENV, "ignored")::get))
        .hasMessageContaining("system property podgate.cri.endpoint")
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> CriEndpoint.parse("tcp://127.0.0.1:1234", "system property podgate.cri.endpoint"))
        .hasMessageContaining("only unix:// sockets");
    assertThatThrownBy(() -> CriEndpoint.parse("unix://run/x.sock", "system property podgate.cri.endpoint"))
        .hasMessageContaining("three slashes");
    assertThat(CriEndpoint.configured(k -> null, k -> null)).isEmpty();
  }

  @Test
  void cniBinDirWithoutPluginsIsNamed() throws Exception {
    Path partial = Files.createDirectories(tmp.resolve("cni"));
    Path bridge = Files.writeString(partial.resolve("bridge"), "#!/bin/sh\n");
    bridge.toFile().setExecutable(true);
    assertThatThrownBy(() -> CniBinDir.find(List.of(tmp.resolve("absent"), partial)))
        .isInstanceOf(PodgateException.class)
        .hasMessageContaining(tmp.resolve("absent") + " does not exist")
        .hasMessageContaining(partial + " lacks host-local, portmap, loopback")
        .hasMessageContaining("containernetworking-plugins");
  }

  @Test
  void cniBinDirOfThisHostIsFound() {
    Path found = CniBinDir.find();
    assertThat(CniBinDir.missing(found)).isEmpty();
  }

  @Test
  void daemonEnvironmentIsKeptByToBuilderAndBadNamesAreRefused() {
    ContainerdOptions o = ContainerdOptions.builder().name("envs").bridgeName("pgenv0").podSubnet("10.99.0.0/24")
        .environment("HTTPS_PROXY", "http://127.0.0.1:9").environment("NO_PROXY", "").build();
    assertThat(o.environment()).containsExactlyInAnyOrderEntriesOf(Map.of("HTTPS_PROXY", "http://127.0.0.1:9", "NO_PROXY", ""));
    assertThat(o.toBuilder().build().environment()).isEqualTo(o.environment());
    assertThat(ContainerdOptions.builder().name("plain").bridgeName("pgenv0").podSubnet("10.99.0.0/24").build()
        .environment()).isEmpty();
    assertThatThrownBy(() -> ContainerdOptions.builder().name("envs").environment("A=B", "c"))
        .isInstanceOf(PodgateException.class)
        .hasMessageContaining("environment variable 'A=B'").hasMessageContaining("containerd 'envs'");
  }
}
