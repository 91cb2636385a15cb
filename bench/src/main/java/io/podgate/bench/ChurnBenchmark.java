package io.podgate.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.podgate.measure.ChurnOptions;
import io.podgate.measure.ChurnResult;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Churn for N seconds and compare cycles/s with containerd-stress on this machine. */
public final class ChurnBenchmark {
  /**
   * containerd-stress runs {@code true} in each container, which exits by itself; the benchmark does the
   * same by default, so StopContainer meets an exited (or exiting) container as containerd-stress's
   * task delete does.
   */
  public static final List<String> STRESS_LIKE_COMMAND = List.of("/bin/true");

  private ChurnBenchmark() {}

  /**
   * {@code [--seconds N] [--workers W] [--mode SHARED_POD|POD_PER_CYCLE] [--command "sleep 3600"] [--socket PATH]
   * [--path CRI|CONTAINERD|BOTH] [--rounds R] [--containerd-stress BINARY]}: the command defaults to
   * {@link #STRESS_LIKE_COMMAND}; "sleep" gives {@link ChurnOptions#DEFAULT_COMMAND} (a long-running container
   * stopped by TERM). Each round runs the chosen paths, then containerd-stress (when given and runnable; else
   * {@code ctr run --rm} when ctr exists), one after the other on the same daemon; even rounds run them in
   * reverse order (peer first). Churn runs through {@code measure.churn()} on the daemon. Without --socket starts an
   * embedded containerd on -Dpodgate.bridge / -Dpodgate.subnet. Prints
   * progress, each run's summary, the ratios to the peer per round, and the JSON of the first run.
   */
  public static void main(String[] args) {
    int seconds = BenchDaemon.intArg(args, "--seconds", 30);
    int workers = BenchDaemon.intArg(args, "--workers", 2);
    int rounds = BenchDaemon.intArg(args, "--rounds", 1);
    ChurnOptions.Mode mode = ChurnOptions.Mode.valueOf(BenchDaemon.arg(args, "--mode", "SHARED_POD"));
    String pathArg = BenchDaemon.arg(args, "--path", "CRI");
    // the daemon's own paths; POD_API needs a cluster (measure.churn() on podgate.backend=local-cluster)
    List<ChurnOptions.Path> paths = pathArg.equals("BOTH") ? List.of(ChurnOptions.Path.CRI, ChurnOptions.Path.CONTAINERD)
        : List.of(ChurnOptions.Path.valueOf(pathArg));
    if (paths.contains(ChurnOptions.Path.POD_API)) {
      throw new IllegalArgumentException("--path POD_API churns pods through a Kubernetes API; this benchmark drives a"
          + " containerd daemon: use --path CRI, CONTAINERD or BOTH");
    }
    String socket = BenchDaemon.arg(args, "--socket", null);
    String stressArg = BenchDaemon.arg(args, "--containerd-stress", null);
    String commandArg = BenchDaemon.arg(args, "--command", null);
    List<String> command = commandArg == null ? STRESS_LIKE_COMMAND
        : commandArg.equals("sleep") ? ChurnOptions.DEFAULT_COMMAND
        : List.of(commandArg.trim().split("\\s+"));
    PrintStream out = System.out;
    ChurnResult r = null;
    List<String> roundLines = new java.util.ArrayList<>();
    try (BenchDaemon d = BenchDaemon.open(socket == null ? null : Path.of(socket), "bench-churn");
        DaemonBackend backend = d.backend(java.util.Map.of(), Path.of(System.getProperty("java.io.tmpdir")));
        BenchMeasure measure = new BenchMeasure(BenchReport.scratch(), out::println, backend)) {
      out.println("churn benchmark against " + d.describe() + " " + Arrays.toString(args));
      Path stress = stressArg == null ? null : Path.of(stressArg);
      String stressMissing = stress == null ? "no --containerd-stress given" : ContainerdStressPeer.unavailable(stress);
      if (stressMissing != null) {
        out.println("containerd-stress peer not run: " + stressMissing);
      }
      java.nio.file.Path work = java.nio.file.Files.createDirectories(Path.of(System.getProperty(BenchDaemon.WORKDIR_PROPERTY,
          System.getProperty("java.io.tmpdir") + "/podgate-bench")));
      boolean ctr = java.nio.file.Files.isExecutable(CliClientOverhead.CTR);
      String peerName = stressMissing == null ? "containerd-stress" : ctr ? "ctr run --rm" : null;
      for (int round = 1; round <= rounds; round++) {
        java.util.Map<ChurnOptions.Path, ChurnResult> byPath = new java.util.LinkedHashMap<>();
        double[] peerRate = {Double.NaN};
        List<Runnable> steps = new java.util.ArrayList<>();
        for (ChurnOptions.Path path : paths) {
          steps.add(() -> {
            ChurnResult one = measure.measure().churn().path(path).workers(workers).seconds(seconds)
                .warmup(ChurnSection.warmup(seconds)).mode(mode)
                .command(command.toArray(String[]::new)).run();
            out.println(one.summary());
            byPath.put(path, one);
          });
        }
        if (peerName != null) {
          steps.add(() -> {
            if (stressMissing == null) {
              ContainerdStressPeer.Result peer = ContainerdStressPeer.run(stress, d.socket(), BenchDaemon.busyboxArchive(),
                  workers, Duration.ofSeconds(seconds), work);
              out.println("same-run peer: " + peer.summary());
              peerRate[0] = peer.containersPerSecond();
            } else {
              CtrRunChurn.Result peer = CtrRunChurn.run(d.socket(), BenchDaemon.BUSYBOX, workers,
                  Duration.ofSeconds(seconds));
              out.println("same-run peer: " + peer.summary());
              peerRate[0] = peer.containersPerSecond();
            }
          });
        }
        if (round % 2 == 0) {
          java.util.Collections.reverse(steps); // alternate the order, so neither side always goes first
        }
        steps.forEach(Runnable::run);
        r = r == null ? byPath.values().iterator().next() : r;
        if (peerName == null) {
          continue;
        }
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "round %d%s: %s %.2f/s", round,
            round % 2 == 0 ? " (peer first)" : "", peerName, peerRate[0]));
        byPath.forEach((path, one) -> line.append(String.format(Locale.ROOT, "; podgate %s %.2f/s = %.2f", path,
            one.cyclesPerSecond(), one.cyclesPerSecond() / peerRate[0])));
        roundLines.add(line.toString());
        out.println(line);
      }
    } catch (java.io.IOException e) {
      throw new IllegalStateException("churn benchmark: " + e.getMessage(), e);
    }
    roundLines.forEach(out::println);
    out.println(r.summary());
    ObjectNode json = ChurnJson.toNode(r);
    json.put("benchmark", "churn");
    command.forEach(json.putArray("command")::add);
    try {
      out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write churn benchmark JSON", e);
    }
  }
}
