package io.podgate.reliability;

import io.podgate.measure.ThroughputOptions;
import io.podgate.internal.measure.iperf.ContainerCommandRunner;
import io.podgate.internal.measure.iperf.HostCommandRunner;
import io.podgate.internal.measure.iperf.Iperf3;
import io.podgate.internal.pod.ConfigRef;
import io.podgate.internal.pod.ContainerSpec;
import io.podgate.internal.pod.PodSpec;
import io.podgate.internal.pod.PodgateSession;
import io.podgate.internal.pod.RunningPod;
import java.util.List;
import java.util.Map;

/**
 * Run in a forked JVM by {@link JvmKilledTest}: starts a session, says where it is, then prints
 * {@code MOMENT} just as it enters the phase named by its argument and carries on with it.
 */
public final class KilledJvmFork {
  public static void main(String[] args) throws Exception {
    String moment = args[0];
    PodgateSession session = PodgateSession.acquire().session();
    System.out.println("SESSION id=" + session.id() + " daemon=" + session.embedded().orElseThrow().pid()
        + " socket=" + session.embedded().orElseThrow().socket() + " dir=" + session.dir()
        + " watchdog=" + session.watchdogPid());
    System.out.flush();
    String image = moment.equals("MEASUREMENT") ? "podgate:debug" : "podgate:busybox";
    ContainerSpec box = new ContainerSpec("forked container", "box", "box", image, List.of("sleep", "3600"),
        List.of(), Map.of(), "", List.of(), false, 0, ConfigRef.NONE, ContainerSpec.WaitSpec.running());
    PodSpec spec = new PodSpec("forked pod", "doomed", "doomed", "", Map.of(), Map.of(), "", "", List.of(), List.of(),
        List.of(), List.of(new PodSpec.PortSpec(80, 0, "127.0.0.1", PodSpec.Protocol.TCP)), ConfigRef.NONE, List.of(box));
    switch (moment) {
      case "PROVISIONING" -> {
        moment();
        session.provisioner().provision(spec);
      }
      case "MEASUREMENT" -> {
        RunningPod pod = session.provisioner().provision(spec);
        Thread signal = new Thread(() -> {
          while (ProcessHandle.current().descendants()
              .noneMatch(p -> p.info().command().orElse("").endsWith("iperf3"))) {
            Thread.onSpinWait();
          }
          moment();
        });
        signal.setDaemon(true);
        signal.start();
        new Iperf3(new ContainerCommandRunner(session.cri(), pod.container("box").id(), "pod"), new HostCommandRunner())
            .measure(pod.ip(), ThroughputOptions.builder().durationSeconds(20).build(), "killed");
      }
      case "PREPARED" -> {
        // a test's pod, and the sandbox started ahead for the next test (as PreparedPods does), not yet used
        session.provisioner().provision(spec);
        session.provisioner().startSandbox(session.provisioner().prepare(spec));
        moment();
      }
      case "TEARDOWN" -> {
        RunningPod pod = session.provisioner().provision(spec);
        moment();
        pod.close();
      }
      default -> throw new IllegalArgumentException(moment);
    }
    System.out.println("FINISHED before being killed");
    Thread.sleep(Long.MAX_VALUE);
  }

  private static void moment() {
    System.out.println("MOMENT");
    System.out.flush();
  }
}
