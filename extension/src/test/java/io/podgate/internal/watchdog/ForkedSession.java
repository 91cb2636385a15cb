package io.podgate.internal.watchdog;

import io.podgate.internal.pod.ConfigRef;
import io.podgate.internal.pod.ContainerSpec;
import io.podgate.internal.pod.PodSpec;
import io.podgate.internal.pod.PodgateSession;
import io.podgate.internal.pod.RunningPod;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Run in a forked JVM by {@link KillTest}: starts a session, makes a pod, says where it is, then sleeps. */
public final class ForkedSession {
  public static void main(String[] args) throws Exception {
    PodgateSession session = PodgateSession.acquire().session();
    ContainerSpec box = new ContainerSpec("forked container", "box", "box", "podgate:busybox", List.of("sleep", "3600"),
        List.of(), Map.of(), "", List.of(), false, 0, ConfigRef.NONE, ContainerSpec.WaitSpec.running());
    PodSpec spec = new PodSpec("forked pod", "doomed", "doomed", "", Map.of(), Map.of(), "", "", List.of(), List.of(),
        List.of(), List.of(new PodSpec.PortSpec(80, 0, "127.0.0.1", PodSpec.Protocol.TCP)), ConfigRef.NONE, List.of(box));
    RunningPod pod = session.provisioner().provision(spec);
    String info = session.cri().podSandboxStatus(pod.id(), true).getInfoMap().toString();
    Matcher netns = Pattern.compile("/var/run/netns/[A-Za-z0-9-]+").matcher(info);
    System.out.println("READY session=" + session.id() + " pod=" + pod.id() + " ip=" + pod.ip()
        + " daemon=" + session.embedded().orElseThrow().pid() + " socket=" + session.embedded().orElseThrow().socket()
        + " netns=" + (netns.find() ? netns.group() : "-") + " dir=" + session.dir() + " watchdog=" + session.watchdogPid()
        + " bridge=" + session.embedded().orElseThrow().options().bridgeName());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
