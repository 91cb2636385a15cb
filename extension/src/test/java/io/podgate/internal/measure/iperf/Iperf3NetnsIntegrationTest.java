package io.podgate.internal.measure.iperf;

import static io.podgate.assertj.PodgateAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podgate.measure.ComparisonResult;
import io.podgate.measure.GateFailedError;
import io.podgate.measure.Gates;
import io.podgate.measure.ThroughputOptions;
import io.podgate.measure.ThroughputResult;
import io.podgate.measure.Verdict;
import io.podgate.testsupport.RequiresContainerd;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Real iperf3 between the host and a namespace of our own over a 1500-MTU veth, against the host
 * loopback baseline clamped to the same MSS.
 */
@RequiresContainerd
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Iperf3NetnsIntegrationTest {
  private static final ThroughputOptions TWO_SECONDS = ThroughputOptions.builder().durationSeconds(2).build();

  private VethNetns net;
  private ThroughputPath loopback;
  private ThroughputPath hostToNetns;

  @BeforeAll
  void createNamespace() {
    net = VethNetns.create();
    loopback = ThroughputPath.loopback();
    hostToNetns = ThroughputPath.between("host->netns", net.runner(), net.netnsAddress, new HostCommandRunner());
  }

  @AfterAll
  void removeNamespace() {
    if (net != null) {
      net.close();
      assertThat(net.namespaceExists()).as("netns %s left behind", net.namespace).isFalse();
      assertThat(net.hostVethExists()).as("veth %s left behind", net.hostVeth).isFalse();
    }
  }

  @Test
  @Order(1)
  void eachResultNamesItsPathEndpointsAndMss() {
    ThroughputResult base = loopback.measure(TWO_SECONDS);
    ThroughputResult pod = hostToNetns.measure(TWO_SECONDS);
    System.out.println(base.summary());
    System.out.println(pod.summary());

    assertThat(base).hasLabel("loopback -M 1448").usedMss(1448).hasStreams(1).hasReceiverThroughputAtLeastMbits(1);
    assertThat(base.server().host()).isEqualTo("127.0.0.1");
    assertThat(pod).hasLabel("host->netns").usedMss(1448).hasReceiverThroughputAtLeastMbits(1);
    assertThat(pod.server().host()).isEqualTo(net.netnsAddress);
    assertThat(pod.client().host()).isEqualTo(net.hostAddress);
    assertThat(pod.pathMtu()).hasValue(1500);
    assertThat(pod.intervals()).hasSize(2);
  }

  @Test
  @Order(2)
  void aGateWithAThresholdWellClearOfTheVethOverheadPasses() {
    // the veth path measured 10-20 % below clamped loopback here; 60 % leaves room for a busy host
    ComparisonResult result = Gates.overhead(loopback.receiverBitsPerSecond(TWO_SECONDS),
            hostToNetns.receiverBitsPerSecond(TWO_SECONDS))
        .atMostPercent(60)
        .rounds(3, 12)
        .maxTime(Duration.ofSeconds(75))
        .check();
    System.out.println(result.summary());

    assertThat(result).passed().hasOverheadAtMostPercent(60);
    assertThat(result.baselineDescription()).isEqualTo("loopback -M 1448 receiver bit/s");
    assertThat(result.subjectDescription()).isEqualTo("host->netns receiver bit/s");
    assertThat(result.rounds()).isBetween(6, 12);
  }

  @Test
  @Order(3)
  void throttlingTheVethToHalfFailsA15PercentGate() {
    // half of the lower of the two medians of three, as GateTrustTest does: anchored to one fast run, or to
    // the veth path alone when loopback runs slower, or at 70 %, the throttled path came within 15 % of loopback
    double unthrottled = Math.min(medianOfThree(hostToNetns), medianOfThree(loopback));
    long rate = (long) (unthrottled * 0.50);
    net.throttleHostToNetns(rate);
    try {
      GateFailedError error = org.assertj.core.api.Assertions.catchThrowableOfType(GateFailedError.class,
          () -> Gates.overhead(loopback.receiverBitsPerSecond(TWO_SECONDS),
                  hostToNetns.receiverBitsPerSecond(TWO_SECONDS))
              .atMostPercent(15)
              .rounds(3, 9)
              .check());
      assertThat(error).as("a 15 %% gate on a path throttled to %.2f Gbit/s", rate / 1e9).isNotNull();
      System.out.printf("unthrottled %.3f Gbit/s, tbf rate %.3f Gbit/s%n%s%n", unthrottled / 1e9, rate / 1e9,
          error.getMessage());
      assertThat(error.result()).failed().hasOverheadAbovePercent(15);
      assertThat(error).hasMessageContaining("threshold <= 15.00%").hasMessageContaining("rounds used");
      assertThat(error.result().subjectValues()).allSatisfy(v -> assertThat(v).isLessThan(rate * 1.10));
    } finally {
      net.removeThrottle();
    }
  }

  @Test
  @Order(4)
  void aMissingBinaryIsNamedOnTheRunnerWhereItIsMissing() {
    ThroughputOptions missing = TWO_SECONDS.toBuilder().binary("iperf3-missing-pg-gates").build();
    assertThatThrownBy(() -> loopback.measure(missing))
        .isInstanceOfSatisfying(Iperf3Exception.class,
            e -> assertThat(e.kind()).isEqualTo(Iperf3Exception.Kind.MISSING_BINARY))
        .hasMessageContaining("'iperf3-missing-pg-gates' not found on host");

    ThroughputPath insideNetns = ThroughputPath.between("netns->netns", net.runner(), net.netnsAddress, net.runner());
    assertThatThrownBy(() -> insideNetns.measure(missing))
        .isInstanceOfSatisfying(Iperf3Exception.class,
            e -> assertThat(e.kind()).isEqualTo(Iperf3Exception.Kind.MISSING_BINARY))
        .hasMessageContaining("not found on netns " + net.namespace);
  }

  @Test
  @Order(5)
  void aBusyServerIsReportedAsBusy() {
    int port = 24_000 + (int) (Math.random() * 1000);
    Iperf3 iperf = new Iperf3(net.runner(), new HostCommandRunner());
    HostCommandRunner host = new HostCommandRunner();
    // --forceflush: a piped iperf3 buffers its progress lines, which this test waits for
    try (CommandRunner.RunningProcess server = net.runner().start(List.of("iperf3", "-s", "-1", "-p",
        Integer.toString(port), "-B", net.netnsAddress, "--forceflush"))) {
      for (int i = 0; i < 100 && !server.output().contains("Server listening"); i++) {
        sleep(50);
      }
      assertThat(server.output()).as("server's output").contains("Server listening");
      try (CommandRunner.RunningProcess firstClient = host.start(List.of("iperf3", "-c", net.netnsAddress, "-p",
          Integer.toString(port), "-t", "4", "--forceflush"))) {
        assertBusy(iperf, port, firstClient);
      }
    }
  }

  private void assertBusy(Iperf3 iperf, int port, CommandRunner.RunningProcess firstClient) {
    // wait until the first client holds the one-off server, then a second client must be turned away
    for (int i = 0; i < 100 && !firstClient.output().contains("connected to"); i++) {
      sleep(50);
    }
    assertThat(firstClient.output()).as("first client's output").contains("connected to");
    Iperf3Exception busy = org.assertj.core.api.Assertions.catchThrowableOfType(Iperf3Exception.class,
        () -> iperf.runClient(net.netnsAddress, port, TWO_SECONDS.toBuilder().durationSeconds(1).build(), "second"));
    assertThat(busy).isNotNull();
    assertThat(busy.kind()).isEqualTo(Iperf3Exception.Kind.SERVER_BUSY);
    assertThat(busy).hasMessageContaining("busy").hasMessageContaining("client on host");
  }

  @Test
  @Order(6)
  void aServerThatCannotBindIsReportedWithItsOwnWords() {
    // the host end's address does not exist inside the namespace, so the server cannot bind to it
    ThroughputPath wrong = ThroughputPath.between("wrong", net.runner(), net.hostAddress, new HostCommandRunner());
    assertThatThrownBy(() -> wrong.measure(TWO_SECONDS))
        .isInstanceOfSatisfying(Iperf3Exception.class,
            e -> assertThat(e.kind()).isEqualTo(Iperf3Exception.Kind.SERVER_FAILED))
        .hasMessageContaining("exited before the test")
        .hasMessageContaining("netns " + net.namespace);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static double medianOfThree(ThroughputPath path) {
    return java.util.stream.IntStream.range(0, 3)
        .mapToDouble(i -> path.measure(TWO_SECONDS).receiverBitsPerSecond()).sorted().toArray()[1];
  }
}
