package io.podgate.internal.report;

import io.podgate.internal.measure.api.MeasureInternals;
import io.podgate.measure.ChurnOptions;
import io.podgate.measure.ChurnResult;
import io.podgate.measure.ComparisonResult;
import io.podgate.measure.Gates;
import io.podgate.measure.HttpLoadResult;
import io.podgate.measure.Measurement;
import io.podgate.measure.ThroughputResult;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Random;
import org.HdrHistogram.Histogram;

/** Real-looking results built through the result types' public constructors and factories. */
final class SampleResults {
  private SampleResults() {}

  /** A 10 s iperf3 run near the host->pod figure of this machine, first second omitted. */
  static ThroughputResult throughput(String label, long seed) {
    Random rnd = new Random(seed);
    List<ThroughputResult.Interval> intervals = new ArrayList<>();
    double sum = 0;
    for (int s = 0; s < 10; s++) {
      double bps = 8.7e9 * (1 + 0.04 * rnd.nextGaussian()) * (s == 0 ? 0.8 : 1);
      intervals.add(new ThroughputResult.Interval(s, s + 1, bps, rnd.nextInt(3), s == 0));
      if (s > 0) {
        sum += bps;
      }
    }
    double receiver = sum / 9;
    return new ThroughputResult(label, new ThroughputResult.Endpoint("10.88.0.1", 41234),
        new ThroughputResult.Endpoint("10.88.0.7", 5201), receiver * 1.001, receiver, 7, 1, false,
        OptionalInt.of(1448), OptionalInt.of(1500), Duration.ofSeconds(9), 1, intervals,
        OptionalDouble.of(61.5), OptionalDouble.of(48.2), ThroughputResult.DIRECT);
  }

  /** 20 s of 10 connections against nginx: log-normal latencies around 0.8 ms, ~12k req/s. */
  static HttpLoadResult http(long seed) {
    Random rnd = new Random(seed);
    Histogram h = new Histogram(60_000_000L, 3);
    int seconds = 20;
    long[] rps = new long[seconds];
    long[] bps = new long[seconds];
    long total = 0;
    for (int s = 0; s < seconds; s++) {
      rps[s] = Math.round(12_000 * (1 + 0.05 * rnd.nextGaussian()));
      bps[s] = rps[s] * 853;
      total += rps[s];
      for (int i = 0; i < rps[s]; i++) {
        h.recordValue(Math.max(1, Math.round(800 * Math.exp(0.45 * rnd.nextGaussian()))));
      }
    }
    return MeasureInternals.access().httpLoadResult(URI.create("http://10.88.0.7:80/"), 10, Duration.ofSeconds(seconds), h, rps, bps,
        total, total * 853, 3, 1, 12);
  }

  /** A passing 15 % gate on throughput, rounds drawn from a seeded noisy pair of paths. */
  static ComparisonResult comparison(long seed) {
    Random rnd = new Random(seed);
    Measurement baseline = Measurement.named("loopback -M 1448 receiver bit/s",
        () -> 9.6e9 * (1 + 0.03 * rnd.nextGaussian()));
    Measurement subject = Measurement.named("host->pod receiver bit/s",
        () -> 8.7e9 * (1 + 0.03 * rnd.nextGaussian()));
    return Gates.overhead(baseline, subject).atMostPercent(15).rounds(6, 9).evaluate();
  }

  /** CRI call latencies of 20 pod lifecycles, near this machine's crictl figures. */
  static Map<String, List<Duration>> criLatency(long seed) {
    Random rnd = new Random(seed);
    Map<String, Double> medians = new LinkedHashMap<>();
    medians.put("RunPodSandbox", 186.0);
    medians.put("CreateContainer", 12.0);
    medians.put("StartContainer", 80.0);
    medians.put("StopContainer", 70.0);
    medians.put("StopPodSandbox", 260.0);
    medians.put("RemovePodSandbox", 110.0);
    Map<String, List<Duration>> out = new LinkedHashMap<>();
    medians.forEach((op, ms) -> {
      List<Duration> samples = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        samples.add(Duration.ofNanos(Math.round(ms * 1e6 * Math.exp(0.25 * rnd.nextGaussian()))));
      }
      out.put(op, samples);
    });
    return out;
  }

  /** 30 s of pod-per-cycle churn with 2 workers, near this machine's containerd-stress rate. */
  static ChurnResult churn(long seed) {
    Random rnd = new Random(seed);
    List<Long> perSecond = new ArrayList<>();
    long cycles = 0;
    for (int s = 0; s < 30; s++) {
      long n = Math.max(0, Math.round(2.4 + 0.8 * rnd.nextGaussian()));
      perSecond.add(n);
      cycles += n;
    }
    Map<String, ChurnResult.OperationLatency> latencies = new LinkedHashMap<>();
    Map<String, List<Duration>> samples = criLatency(seed);
    for (String op : ChurnResult.operations(ChurnOptions.Mode.POD_PER_CYCLE)) {
      List<Duration> d = samples.getOrDefault(op, samples.get("CreateContainer"));
      double[] ms = d.stream().mapToDouble(x -> x.toNanos() / 1e6).sorted().toArray();
      latencies.put(op, new ChurnResult.OperationLatency(op, cycles, ms[ms.length / 2], ms[ms.length * 9 / 10],
          ms[ms.length - 1], ms[ms.length - 1] * 1.1));
    }
    return new ChurnResult(ChurnOptions.Mode.POD_PER_CYCLE, 2, "podgate/busybox:1", cycles, 1,
        List.of("StartContainer: rpc error: code = DeadlineExceeded <after 10s>"), Duration.ofSeconds(30),
        latencies, perSecond, null);
  }

  /** 5 s of pod churn through the Kubernetes API with 2 workers: operations and kube-burner's pod latencies. */
  static ChurnResult podChurn(long seed) {
    Random rnd = new Random(seed);
    Map<String, ChurnResult.OperationLatency> ops = new LinkedHashMap<>();
    for (String op : ChurnResult.podApiOperations()) {
      double p50 = 20 + 200 * rnd.nextDouble();
      ops.put(op, new ChurnResult.OperationLatency(op, 12, p50, p50 * 1.5, p50 * 2, p50 * 2.2));
    }
    Map<String, ChurnResult.PodLatency> pods = new LinkedHashMap<>();
    double base = 0;
    for (String c : ChurnResult.podConditions()) {
      base += 30 + 400 * rnd.nextDouble();
      pods.put(c, new ChurnResult.PodLatency(c, 12, base, base * 1.4, base * 1.6, base * 1.7, base * 1.1));
    }
    return new ChurnResult(ChurnOptions.Path.POD_API, ChurnOptions.Mode.SHARED_POD, 2, "podgate.local/busybox:1", 12, 0,
        List.of(), Duration.ofSeconds(5), ops, List.of(2L, 3L, 2L, 3L, 2L), null, pods);
  }
}
