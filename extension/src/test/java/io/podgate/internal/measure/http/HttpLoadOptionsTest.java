package io.podgate.internal.measure.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podgate.measure.HttpLoadOptions;
import io.podgate.PodgateException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HttpLoadOptionsTest {
  @Test
  void defaultsAndRequestBytes() {
    HttpLoadOptions o = HttpLoadOptions.builder("http://127.0.0.1:8080/a/b?x=1").header("Accept", "*/*").build();
    assertThat(o.connections()).isEqualTo(10);
    assertThat(o.duration()).isEqualTo(Duration.ofSeconds(10));
    assertThat(o.totalRequests()).isEmpty();
    assertThat(o.port()).isEqualTo(8080);
    assertThat(new String(HttpLoadGenerator.encodeRequest(o), StandardCharsets.US_ASCII))
        .isEqualTo("GET /a/b?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAccept: */*\r\nUser-Agent: podgate\r\n\r\n");
  }

  @Test
  void ipv6AndLocalhostAndDefaultPath() {
    assertThat(HttpLoadOptions.builder("http://[::1]:81").build().host()).isEqualTo("::1");
    HttpLoadOptions o = HttpLoadOptions.builder("http://localhost").method("head").build();
    assertThat(o.port()).isEqualTo(80);
    assertThat(o.requestTarget()).isEqualTo("/");
    assertThat(new String(HttpLoadGenerator.encodeRequest(o), StandardCharsets.US_ASCII))
        .startsWith("HEAD / HTTP/1.1\r\nHost: localhost\r\n");
  }

  @Test
  void rejectsWhatItCannotMeasureWithANamedReason() {
    assertThatThrownBy(() -> HttpLoadOptions.builder("https://127.0.0.1/"))
        .isInstanceOf(PodgateException.class)
        .hasMessageContaining("http://");
    assertThatThrownBy(() -> HttpLoadOptions.builder("http://example.org/"))
        .hasMessageContaining("IP address or localhost");
    assertThatThrownBy(() -> HttpLoadOptions.builder("http://127.0.0.1/").connections(0))
        .hasMessageContaining("connections");
    assertThatThrownBy(() -> HttpLoadOptions.builder("http://127.0.0.1/").duration(Duration.ofSeconds(1)).totalRequests(5))
        .hasMessageContaining("either duration or totalRequests");
    assertThatThrownBy(() -> HttpLoadOptions.builder("http://127.0.0.1/").method("POST"))
        .hasMessageContaining("GET and HEAD");
    assertThatThrownBy(() -> HttpLoadOptions.builder("http://127.0.0.1/").header("X-A", "a\r\nEvil: 1"))
        .hasMessageContaining("control");
    assertThatThrownBy(() -> HttpLoadOptions.builder("http://127.0.0.1/").header("Host", "other"))
        .hasMessageContaining("set by podgate");
    assertThatThrownBy(() -> HttpLoadOptions.builder("http://127.0.0.1/").timeout(Duration.ZERO))
        .hasMessageContaining("timeout must be positive");
  }
}
