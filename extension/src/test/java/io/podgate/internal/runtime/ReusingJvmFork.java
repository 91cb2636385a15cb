package io.podgate.internal.runtime;

import io.podgate.internal.pod.ConfigRef;
import io.podgate.internal.pod.ContainerSpec;
import io.podgate.internal.pod.PodSpec;
import io.podgate.internal.pod.PodgateSession;
import io.podgate.internal.pod.RunningPod;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Run in a forked JVM by {@link RuntimeReuseTest}: starts a session as configured, prints where it
 * runs ({@code SESSION ...}), makes one busybox pod and runs a command in it ({@code POD ...}), then
 * waits; the line {@code exit} on stdin ends the session normally ({@code CLOSED}); {@code exec} and
 * {@code slow-exec} run {@code true} and {@code sleep 4} in the pod ({@code EXEC} / {@code SLOWEXEC exit=} or
 * {@code failed=} the message, spaces as underscores). Argument
 * {@code ci-default} drops the podgate.runtime.reuse property the test run passes, so the environment decides.
 */
public final class ReusingJvmFork {
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("ci-default")) {
      System.clearProperty(RuntimeReuse.PROPERTY);
    }
    PodgateSession.Lease lease = PodgateSession.acquire();
    PodgateSession s = lease.session();
    long daemon = s.reused().map(a -> a.state().pid()).orElseGet(() -> s.embedded().map(e -> e.pid()).orElse(0L));
    System.out.println("SESSION id=" + s.id() + " dir=" + s.dir() + " reused=" + s.reused().isPresent()
        + " started=" + s.reused().map(a -> a.started()).orElse(true) + " daemon=" + daemon
        + " watchdog=" + s.watchdogPid());
    ContainerSpec box = new ContainerSpec("forked container", "box", "box", "podgate:busybox", List.of("sleep", "3600"),
        List.of(), Map.of(), "", List.of(), false, 0, ConfigRef.NONE, ContainerSpec.WaitSpec.running());
    PodSpec spec = new PodSpec("forked pod", "reuser", "reuser", "", Map.of(), Map.of(), "", "", List.of(), List.of(),
        // a host port: whoever removes the pod (this JVM, its keeper after a kill) removes podgate's rule of it
        List.of(), List.of(new PodSpec.PortSpec(80, 0, "127.0.0.1", PodSpec.Protocol.TCP)), ConfigRef.NONE, List.of(box));
    RunningPod pod = s.provisioner().provision(spec);
    int exit = pod.container("box").exec("sh", "-c", "echo hi").exitCode();
    System.out.println("POD id=" + pod.id() + " ip=" + pod.ip() + " exec=" + exit);
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String l; (l = in.readLine()) != null; ) {
      if (l.equals("slow-exec") || l.equals("exec")) {
        String key = l.equals("exec") ? "EXEC" : "SLOWEXEC";
        try {
          int code = pod.container("box").exec(l.equals("exec") ? new String[] {"true"} : new String[] {"sleep", "4"})
              .exitCode();
          System.out.println(key + " exit=" + code);
        } catch (RuntimeException e) {
          System.out.println(key + " failed=" + String.valueOf(e.getMessage()).replace('\n', ' ').replace(' ', '_'));
        }
        System.out.flush();
      }
      if (l.equals("exit")) {
        pod.close();
        lease.close();
        System.out.println("CLOSED");
        System.out.flush();
        System.exit(0);
      }
    }
    Thread.sleep(Long.MAX_VALUE);
  }
}
