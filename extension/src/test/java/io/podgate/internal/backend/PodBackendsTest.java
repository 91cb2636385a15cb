package io.podgate.internal.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podgate.PodgateException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PodBackendsTest {
  @Test
  void defaultIsEmbeddedAndAnEndpointMeansCri() {
    assertThat(PodBackends.chosen(k -> null, k -> null)).isEqualTo("embedded");
    assertThat(PodBackends.chosen(Map.of("podgate.cri.endpoint", "unix:///run/c.sock")::get, k -> null)).isEqualTo("cri");
    assertThat(PodBackends.chosen(k -> null, Map.of("PODGATE_CRI_ENDPOINT", "unix:///run/c.sock")::get)).isEqualTo("cri");
    assertThat(PodBackends.chosen(Map.of("podgate.backend", " local-cluster ", "podgate.cri.endpoint", "unix:///x")::get,
        k -> null)).isEqualTo("local-cluster");
  }

  @Test
  void theProviderServingTheNameIsPicked() {
    Named cri = new Named(Set.of("embedded", "cri"));
    Named k8s = new Named(Set.of("kubernetes", "local-cluster"));
    assertThat(PodBackends.provider("cri", List.of(cri, k8s))).isSameAs(cri);
    assertThat(PodBackends.provider("local-cluster", List.of(cri, k8s))).isSameAs(k8s);
  }

  @Test
  void anUnknownNameListsTheKnownOnes() {
    assertThatThrownBy(() -> PodBackends.provider("k3s", List.of(new Named(Set.of("embedded", "cri")))))
        .isInstanceOf(PodgateException.class)
        .hasMessageContaining("podgate.backend = \"k3s\" names no podgate backend")
        .hasMessageContaining("embedded, cri, kubernetes, local-cluster");
  }

  @Test
  void aKnownBackendWhoseJarIsMissingNamesTheJar() {
    assertThatThrownBy(() -> PodBackends.provider("kubernetes", List.of(new Named(Set.of("embedded", "cri")))))
        .isInstanceOf(PodgateException.class)
        .hasMessageContaining("\"kubernetes\"")
        .hasMessageContaining("add io.podgate:podgate-kubernetes")
        .hasMessageContaining("[")
        .hasMessageContaining("cri");
  }

  private record Named(Set<String> names) implements PodBackendProvider {
    @Override
    public BackendLease acquire(String name) {
      throw new UnsupportedOperationException();
    }
  }
}
