package io.podgate.measure;

import io.podgate.internal.measure.compare.Percent;
import io.podgate.Container;
import io.podgate.CriContainer;
import io.podgate.ExecResult;
import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import io.podgate.assertj.PodgateAssertions;
import static org.assertj.core.api.Assertions.assertThat;

import io.podgate.testsupport.RequiresContainerd;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Can a gate be trusted on real pods? A threshold well clear of the true host->pod overhead must
 * pass 10 runs out of 10; with the pod's host-side veth throttled to half of the lower of the pod's and
 * the loopback baseline's measured throughput (a regression of about 50 %), a 15 % gate must fail 10
 * runs out of 10 (FAIL, never INCONCLUSIVE).
 */
@RequiresContainerd
@Podgate
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GateTrustTest {
  static final int RUNS = 10;
  /** Each iperf3 run sends this much (-n): a fraction of a second at pod speeds, so many rounds stay cheap. */
  static final long BYTES = 256L << 20;
  /** Host->pod against loopback -M 1448 costs about 10 % here; 60 % is far from it. */
  static final double CLEAR_THRESHOLD_PERCENT = 60;
  static final double GATE_PERCENT = 15;
  /**
   * At 70 % the true overhead (about 30 %) sat so near the 15 % gate that a CI runner whose loopback swung
   * between 9 and 19 Gbit/s gave 2 INCONCLUSIVE runs in 10; half is a regression no gate may miss.
   */
  static final double THROTTLE_SHARE = 0.50;

  @PodSandbox(name = "gatetrust")
  @CriContainer(name = "debug", image = "podgate:debug")
  static Pod pod;

  @Test
  @Order(1)
  void thresholdWellClearOfTheTrueOverheadPassesTenRunsOutOfTen(Measure measure) {
    List<ComparisonResult> results = new ArrayList<>();
    for (int i = 0; i < RUNS; i++) {
      results.add(gate(measure).atMostPercent(CLEAR_THRESHOLD_PERCENT).rounds(6, 12).evaluate());
    }
    String figures = verdicts(results);
    System.out.println("[podgate] clear-threshold gate, " + RUNS + " runs: " + figures);
    assertThat(results).as("every run must PASS a %.0f %% gate; runs: %s", CLEAR_THRESHOLD_PERCENT, figures)
        .allSatisfy(r -> PodgateAssertions.assertThat(r).passed());
  }

  @Test
  @Order(2)
  void throttledPodFailsA15PercentGateTenRunsOutOfTen(Measure measure) throws Exception {
    String veth = hostSideVeth(pod.container("debug"));
    double podBits = medianOfThree(measure, hostToPod());
    // The gate compares against loopback, which on this kind of machine can run slower than the pod's own
    // path: anchored to the pod alone, 70 % of it was once only 18 % below loopback.
    double loopbackBits = medianOfThree(measure, Throughput.loopback());
    long rate = (long) (Math.min(podBits, loopbackBits) * THROTTLE_SHARE);
    List<ComparisonResult> results = new ArrayList<>();
    tc("qdisc", "add", "dev", veth, "root", "tbf", "rate", rate + "bit", "burst", "1mb", "latency", "20ms");
    try {
      System.out.printf(Locale.ROOT,
          "[podgate] %s throttled to %.2f Gbit/s (%.0f %% of the lower of the pod's median %.2f and loopback's %.2f)%n",
          veth, rate / 1e9, THROTTLE_SHARE * 100, podBits / 1e9, loopbackBits / 1e9);
      for (int i = 0; i < RUNS; i++) {
        results.add(gate(measure).atMostPercent(GATE_PERCENT).rounds(6, 20).evaluate());
      }
    } finally {
      tc("qdisc", "del", "dev", veth, "root");
    }
    assertThat(tc("qdisc", "show", "dev", veth)).as("qdiscs of %s after the test", veth).doesNotContain("tbf");
    String figures = verdicts(results);
    System.out.println("[podgate] throttled gate, " + RUNS + " runs: " + figures);
    assertThat(results).as("every run must FAIL the %.0f %% gate (not INCONCLUSIVE); runs: %s", GATE_PERCENT, figures)
        .allSatisfy(r -> PodgateAssertions.assertThat(r).failed());
  }

  private static double medianOfThree(Measure measure, Throughput path) {
    List<Double> bits = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      bits.add(measure.throughput(path).bytes(BYTES).run().receiverBitsPerSecond());
    }
    return bits.stream().sorted().toList().get(1);
  }

  private static OverheadGate gate(Measure measure) {
    return measure.throughput(hostToPod()).bytes(BYTES).against(Throughput.loopback());
  }

  private static Throughput hostToPod() {
    return Throughput.hostTo(pod.container("debug"));
  }

  private static String verdicts(List<ComparisonResult> results) {
    return String.join("; ", results.stream().map(r -> String.format(Locale.ROOT, "%s median %s CI [%s, %s] in %d",
        r.verdict(), Percent.of(r.medianOverhead()), Percent.of(r.ciLow()),
        Percent.of(r.ciHigh()), r.rounds())).toList());
  }

  /** The host end of the pod's eth0: the interface whose ifindex is eth0's iflink. */
  static String hostSideVeth(Container container) throws IOException {
    ExecResult r = container.exec("cat", "/sys/class/net/eth0/iflink");
    assertThat(r.exitCode()).as("reading eth0's iflink in the pod: %s", r.stderr()).isZero();
    String peer = r.stdout().strip();
    try (Stream<Path> links = Files.list(Path.of("/sys/class/net"))) {
      for (Path link : links.toList()) {
        Path index = link.resolve("ifindex");
        if (Files.isReadable(index) && Files.readString(index).strip().equals(peer)) {
          return link.getFileName().toString();
        }
      }
    }
    throw new AssertionError("no host interface has ifindex " + peer + " (the pod's eth0 iflink)");
  }

  static String tc(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("tc"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError(command + " failed: " + out);
    }
    return out;
  }
}
