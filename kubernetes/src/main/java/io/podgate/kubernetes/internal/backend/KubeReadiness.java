package io.podgate.kubernetes.internal.backend;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.LocalPortForward;
import io.podgate.ContainerState;
import io.podgate.LogEntry;
import io.podgate.PodgateException;
import io.podgate.internal.pod.ContainerSpec.WaitSpec;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Waits for a pod's containers as {@code @Wait} says: on a watch until each container is ready (its readiness
 * probe passed, or it runs when it has none) or ended, then checks client-side what a probe cannot (a log line,
 * an exact HTTP status, a second condition). A pod that is not scheduled in time fails quoting its events.
 */
final class KubeReadiness {
  static final Set<String> FATAL_WAITING = Set.of("ErrImageNeverPull", "ErrImagePull", "ImagePullBackOff",
      "InvalidImageName", "CreateContainerError", "CreateContainerConfigError", "RunContainerError");
  private static final Duration POLL = Duration.ofMillis(200);
  private static final int LOG_TAIL = 20;

  private KubeReadiness() {}

  static void await(KubernetesClient client, String ns, String object, KubePlan plan, List<KubeContainer> containers,
      String podIpHint) {
    long start = System.nanoTime();
    Duration longest = plan.containers().stream().map(c -> c.readiness().timeout()).max(Comparator.naturalOrder())
        .orElse(Duration.ofSeconds(60));
    Pod last;
    try {
      last = client.pods().inNamespace(ns).withName(object)
          .waitUntilCondition(p -> p == null || settled(p, plan), longest.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException timedOut) {
      last = client.pods().inNamespace(ns).withName(object).get();
    }
    if (last == null) {
      throw new PodgateException(plan.origin() + ": pod '" + plan.name() + "' (" + ns + "/" + object
          + ") was deleted while podgate waited for it" + events(client, ns, object));
    }
    if (!scheduled(last)) {
      throw new PodgateException(plan.origin() + ": pod '" + plan.name() + "' (" + ns + "/" + object + ") was not scheduled"
          + " within " + longest.toSeconds() + " s (waitFor.timeoutSeconds): " + condition(last, "PodScheduled")
          + events(client, ns, object) + ApartPlacement.hint(last));
    }
    for (int i = 0; i < plan.containers().size(); i++) {
      KubePlan.ContainerPlan c = plan.containers().get(i);
      KubeContainer handle = containers.get(i);
      ContainerStatus s = KubeContainer.status(last, c.name());
      ContainerState state = KubeContainer.state(last, c.name());
      boolean exitedOk = state.state() == ContainerState.State.EXITED && state.exitCode() == 0 && c.readiness().onlyRunning();
      if (state.state() == ContainerState.State.EXITED && !exitedOk) {
        throw new PodgateException(c.origin() + ": container '" + c.name() + "' of pod '" + plan.name()
            + "' exited before it was ready: " + describe(state) + logTail(handle));
      }
      if (s == null || !Boolean.TRUE.equals(s.getReady()) && !exitedOk) {
        throw new PodgateException(c.origin() + ": container '" + c.name() + "' of pod '" + plan.name() + "' (" + ns
            + "/" + object + ", IP " + ip(last) + ") not ready after " + Duration.ofNanos(System.nanoTime() - start).toSeconds()
            + " s (waitFor.timeoutSeconds = " + c.readiness().timeout().toSeconds() + "); waiting for "
            + waitingFor(c.readiness()) + "; last state " + describe(state) + events(client, ns, object) + logTail(handle));
      }
    }
    for (int i = 0; i < plan.containers().size(); i++) {
      clientSide(client, ns, object, plan, plan.containers().get(i), containers.get(i), ip(last), start);
    }
  }

  /** Every container ready or ended, one that cannot start, or the pod failed. */
  static boolean settled(Pod p, KubePlan plan) {
    if (p.getStatus() == null) {
      return false;
    }
    if ("Failed".equals(p.getStatus().getPhase()) || "Succeeded".equals(p.getStatus().getPhase())) {
      return true;
    }
    for (KubePlan.ContainerPlan c : plan.containers()) {
      ContainerStatus s = KubeContainer.status(p, c.name());
      if (s == null || s.getState() == null) {
        return false;
      }
      if (s.getState().getWaiting() != null && FATAL_WAITING.contains(s.getState().getWaiting().getReason())) {
        return true;
      }
      if (!Boolean.TRUE.equals(s.getReady()) && s.getState().getTerminated() == null) {
        return false;
      }
    }
    return true;
  }

  private static void clientSide(KubernetesClient client, String ns, String object, KubePlan plan,
      KubePlan.ContainerPlan c, KubeContainer handle, String ip, long start) {
    WaitSpec w = c.readiness();
    Pattern log = w.logRegex().isEmpty() ? null : Pattern.compile(w.logRegex());
    boolean httpProbe = !w.httpPath().isEmpty() && w.httpStatus() >= 200 && w.httpStatus() < 400;
    boolean tcpIsProbe = w.httpPath().isEmpty() && w.tcpPort() != 0;
    boolean execIsProbe = w.httpPath().isEmpty() && w.tcpPort() == 0 && !w.exec().isEmpty();
    boolean tcpExtra = !w.httpPath().isEmpty() && w.tcpPort() != 0 && w.tcpPort() != w.effectiveHttpPort();
    boolean execExtra = !execIsProbe && !w.exec().isEmpty();
    if (log == null && w.httpPath().isEmpty() && !tcpExtra && !execExtra) {
      return;
    }
    long deadline = start + w.timeout().toNanos();
    List<String> pending = new ArrayList<>();
    while (true) {
      pending.clear();
      if (log != null) {
        List<LogEntry> entries;
        try {
          entries = handle.logEntries();
        } catch (PodgateException e) {
          entries = List.of();
        }
        if (entries.stream().noneMatch(e -> log.matcher(e.text()).find())) {
          pending.add("a log line matching /" + w.logRegex() + "/");
        }
      }
      if (!w.httpPath().isEmpty()) {
        int status = httpStatus(client, ns, object, w.effectiveHttpPort(), w.httpPath());
        if (status != w.httpStatus()) {
          pending.add("HTTP " + w.httpStatus() + " from port " + w.effectiveHttpPort() + w.httpPath()
              + " (through a port-forward; last: " + (status < 0 ? "no answer" : status) + ")");
        }
      }
      if (tcpExtra && !tcpAccepts(ip, w.tcpPort())) {
        pending.add("TCP port " + w.tcpPort() + " accepting on " + ip);
      }
      if (execExtra) {
        int exit;
        try {
          exit = handle.run(w.exec(), Duration.ofSeconds(5)).exitCode();
        } catch (RuntimeException e) {
          exit = -1;
        }
        if (exit != 0) {
          pending.add("exec " + w.exec() + " exiting 0 (last exit " + exit + ")");
        }
      }
      if (pending.isEmpty()) {
        return;
      }
      ContainerState state = handle.status();
      if (state.state() == ContainerState.State.EXITED) {
        throw new PodgateException(c.origin() + ": container '" + c.name() + "' of pod '" + plan.name()
            + "' exited before it was ready: " + describe(state) + logTail(handle));
      }
      if (System.nanoTime() - deadline > 0) {
        throw new PodgateException(c.origin() + ": container '" + c.name() + "' of pod '" + plan.name() + "' (IP " + ip
            + ") not ready after " + w.timeout().toSeconds() + " s (waitFor.timeoutSeconds); still waiting for "
            + String.join(", ", pending) + (httpProbe ? " (its readiness probe passed)" : "") + "; last state "
            + describe(state) + logTail(handle));
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PodgateException(c.origin() + ": interrupted while waiting for container '" + c.name() + "'", e);
      }
    }
  }

  /** The HTTP status of {@code path} on the pod's {@code port}, through a port-forward; -1 when nothing answered. */
  static int httpStatus(KubernetesClient client, String ns, String object, int port, String path) {
    try (LocalPortForward f = client.pods().inNamespace(ns).withName(object).portForward(port)) {
      HttpURLConnection conn = (HttpURLConnection) URI.create("http://127.0.0.1:" + f.getLocalPort()
          + (path.startsWith("/") ? path : "/" + path)).toURL().openConnection();
      conn.setConnectTimeout(2000);
      conn.setReadTimeout(2000);
      conn.setInstanceFollowRedirects(false);
      try {
        return conn.getResponseCode();
      } finally {
        conn.disconnect();
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  static boolean tcpAccepts(String ip, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(ip, port), 2000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static String waitingFor(WaitSpec w) {
    List<String> what = new ArrayList<>();
    if (!w.httpPath().isEmpty()) {
      what.add("HTTP " + w.httpStatus() + " from port " + w.effectiveHttpPort() + w.httpPath());
    }
    if (w.tcpPort() != 0) {
      what.add("TCP port " + w.tcpPort());
    }
    if (!w.exec().isEmpty()) {
      what.add("exec " + w.exec() + " exiting 0");
    }
    if (!w.logRegex().isEmpty()) {
      what.add("a log line matching /" + w.logRegex() + "/");
    }
    return what.isEmpty() ? "the container to run" : String.join(", ", what);
  }

  static boolean scheduled(Pod p) {
    return p.getSpec() != null && p.getSpec().getNodeName() != null && !p.getSpec().getNodeName().isEmpty();
  }

  static String condition(Pod p, String type) {
    if (p.getStatus() == null || p.getStatus().getConditions() == null) {
      return "no " + type + " condition yet";
    }
    for (PodCondition c : p.getStatus().getConditions()) {
      if (type.equals(c.getType())) {
        return type + "=" + c.getStatus() + (c.getReason() == null ? "" : " " + c.getReason())
            + (c.getMessage() == null ? "" : " (" + c.getMessage() + ")");
      }
    }
    return "no " + type + " condition yet";
  }

  /** The pod's events, oldest first, as "; events: Reason: message; ...", or "" when there are none. */
  static String events(KubernetesClient client, String ns, String object) {
    try {
      List<Event> events = client.v1().events().inNamespace(ns).withField("involvedObject.name", object).list().getItems();
      if (events.isEmpty()) {
        return "; no events";
      }
      return "; events: " + events.stream()
          .map(e -> e.getType() + " " + e.getReason() + ": " + String.valueOf(e.getMessage()).strip())
          .collect(Collectors.joining("; "));
    } catch (RuntimeException e) {
      return "; its events could not be read (" + e.getMessage() + ")";
    }
  }

  static String ip(Pod p) {
    return p.getStatus() == null || p.getStatus().getPodIP() == null ? "" : p.getStatus().getPodIP();
  }

  static String describe(ContainerState s) {
    String text = s.state().toString();
    if (s.state() == ContainerState.State.EXITED) {
      text += " with exit code " + s.exitCode();
    }
    if (s.reason() != null && !s.reason().isEmpty()) {
      text += " (" + s.reason() + ")";
    }
    return text;
  }

  private static String logTail(KubeContainer c) {
    List<LogEntry> entries;
    try {
      entries = c.logEntries();
    } catch (PodgateException e) {
      return "; " + e.getMessage();
    }
    if (entries.isEmpty()) {
      return "; its log is empty";
    }
    List<LogEntry> tail = entries.subList(Math.max(0, entries.size() - LOG_TAIL), entries.size());
    return "; log tail:\n" + tail.stream().map(e -> e.time() + " " + e.stream().name().toLowerCase() + " " + e.text())
        .collect(Collectors.joining("\n"));
  }
}
