package io.podgate.internal.measure.iperf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.podgate.measure.ThroughputResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Fixtures are real iperf 3.12 client output captured on this machine (see file names for flags). */
class Iperf3JsonParserTest {

  static String fixture(String name) throws IOException {
    try (InputStream in = Iperf3JsonParserTest.class.getResourceAsStream("/iperf3/" + name)) {
      assertThat(in).as("test resource /iperf3/%s", name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void readsTotalsEndpointsMssAndIntervalsOfAForwardRun() throws IOException {
    ThroughputResult r = Iperf3JsonParser.parse(fixture("client-loopback-M1448-t2.json"), "loopback -M 1448");

    assertThat(r.label()).isEqualTo("loopback -M 1448");
    assertThat(r.senderBitsPerSecond()).isCloseTo(8140449257.2439337, within(1e-3));
    assertThat(r.receiverBitsPerSecond()).isCloseTo(8083677276.1655016, within(1e-3));
    assertThat(r.retransmits()).isEqualTo(11064);
    assertThat(r.client()).isEqualTo(new ThroughputResult.Endpoint("127.0.0.1", 33192));
    assertThat(r.server()).isEqualTo(new ThroughputResult.Endpoint("127.0.0.1", 5291));
    assertThat(r.mss()).hasValue(1448);
    assertThat(r.pathMtu()).hasValue(65535);
    assertThat(r.streams()).isEqualTo(1);
    assertThat(r.reverse()).isFalse();
    assertThat(r.duration()).isEqualTo(Duration.ofSeconds(2));
    assertThat(r.intervals()).hasSize(2);
    ThroughputResult.Interval second = r.intervals().get(1);
    assertThat(second.start()).isCloseTo(1.000171, within(1e-9));
    assertThat(second.end()).isCloseTo(2.00133, within(1e-9));
    assertThat(second.bitsPerSecond()).isCloseTo(9876625138.5003262, within(1e-3));
    assertThat(second.retransmits()).isEqualTo(11017);
    assertThat(second.omitted()).isFalse();
    assertThat(r.hostCpuPercent()).isPresent();
    assertThat(r.summary()).contains("loopback -M 1448", "127.0.0.1:5291", "8.084 Gbit/s", "MSS 1448");
  }

  @Test
  void readsAReversedTwoStreamRunWithAnOmittedSecond() throws IOException {
    ThroughputResult r = Iperf3JsonParser.parse(fixture("client-loopback-reverse-P2-O1.json"), "loopback -R -P 2");

    assertThat(r.reverse()).isTrue();
    assertThat(r.streams()).isEqualTo(2);
    assertThat(r.omitSeconds()).isEqualTo(1);
    assertThat(r.senderBitsPerSecond()).isCloseTo(8949172878.2614, within(1e-3));
    assertThat(r.receiverBitsPerSecond()).isCloseTo(8995484924.151915, within(1e-3));
    assertThat(r.retransmits()).isEqualTo(7);
    // no -M: iperf3 reports the socket's default MSS instead
    assertThat(r.mss()).hasValue(32768);
    // the receiving client's intervals carry no pmtu
    assertThat(r.pathMtu()).isEmpty();
    assertThat(r.intervals()).hasSize(3);
    assertThat(r.intervals().get(0).omitted()).isTrue();
    assertThat(r.intervals().get(1).omitted()).isFalse();
    assertThat(r.server().port()).isEqualTo(5292);
  }

  @Test
  void aRunOverA1500MtuVethReportsTheDefaultMssAndPathMtu() throws IOException {
    ThroughputResult r = Iperf3JsonParser.parse(fixture("client-host-to-netns-veth1500-t2.json"), "host->netns");
    assertThat(r.mss()).hasValue(1448);
    assertThat(r.pathMtu()).hasValue(1500);
    assertThat(r.server()).isEqualTo(new ThroughputResult.Endpoint("10.203.0.250", 5301));
    assertThat(r.client().host()).isEqualTo("10.203.0.249");
    assertThat(r.receiverBitsPerSecond()).isPositive();
  }

  @Test
  void anErrorJsonForARefusedConnectionIsServerUnreachable() throws IOException {
    assertThatThrownBy(() -> Iperf3JsonParser.parse(fixture("client-connection-refused.json"), "x"))
        .isInstanceOfSatisfying(Iperf3Exception.class,
            e -> assertThat(e.kind()).isEqualTo(Iperf3Exception.Kind.SERVER_UNREACHABLE))
        .hasMessageContaining("unable to connect to server: Connection refused");
  }

  @Test
  void anErrorJsonFromABusyServerIsServerBusy() throws IOException {
    assertThatThrownBy(() -> Iperf3JsonParser.parse(fixture("client-server-busy.json"), "x"))
        .isInstanceOfSatisfying(Iperf3Exception.class,
            e -> assertThat(e.kind()).isEqualTo(Iperf3Exception.Kind.SERVER_BUSY))
        .hasMessageContaining("the server is busy running a test")
        .hasMessageContaining("use a port of your own");
  }

  @Test
  void outputThatIsNotJsonOrLacksTotalsIsBadOutput() {
    assertThatThrownBy(() -> Iperf3JsonParser.parse("Connecting to host 127.0.0.1, port 5201", "x"))
        .isInstanceOfSatisfying(Iperf3Exception.class,
            e -> assertThat(e.kind()).isEqualTo(Iperf3Exception.Kind.BAD_OUTPUT))
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> Iperf3JsonParser.parse("{\"start\":{},\"intervals\":[],\"end\":{}}", "x"))
        .isInstanceOfSatisfying(Iperf3Exception.class,
            e -> assertThat(e.kind()).isEqualTo(Iperf3Exception.Kind.BAD_OUTPUT))
        .hasMessageContaining("end.sum_sent.bits_per_second");
    assertThatThrownBy(() -> Iperf3JsonParser.parse("  ", "x"))
        .isInstanceOf(Iperf3Exception.class)
        .hasMessageContaining("--json");
  }
}
