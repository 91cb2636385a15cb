package io.podgate.internal.pod;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A failed pull names the credentials only when the registry answered. */
class SessionImagesTest {
  @Test
  void unreachableRegistryIsSaidInsteadOfCredentials() {
    assertThat(SessionImages.credentialsHint("... dial tcp: lookup example.invalid on 10.0.0.53:53: no such host",
        "example.invalid/nope:1")).isEqualTo("; the registry was not reached");
    assertThat(SessionImages.credentialsHint("... dial tcp 127.0.0.1:1: connect: connection refused", "127.0.0.1:1/x:1"))
        .isEqualTo("; the registry was not reached");
  }

  @Test
  void refusedPullNamesTheCredentialsUsed() {
    assertThat(SessionImages.credentialsHint("... 401 Unauthorized", "registry.example:5000/x:1"))
        .startsWith("; credentials: ").contains("registry.example:5000");
  }
}
