package io.podgate.kubernetes.internal.backend;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.podgate.internal.host.PodgateLabels;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The watchdog's helper for a killed {@code kubernetes} backend session (see {@link KubeSessionGuard}): reads
 * {@value KubeSessionGuard#FILE} from the directory given as its argument, deletes the session's pods (grace 0)
 * and namespaces, and waits until none of its pods runs. Exits 0 when so, 1 otherwise (its output says why).
 */
public final class KubeSessionReaper {
  static final Duration WAIT = Duration.ofSeconds(20);

  private KubeSessionReaper() {}

  public static void main(String[] args) throws Exception {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(Path.of(args[0]).resolve(KubeSessionGuard.FILE))) {
      p.load(r);
    }
    String session = p.getProperty("session");
    try (KubernetesClient client = KubeClients.open(new KubeClients.Source(Path.of(p.getProperty("kubeconfig")),
        KubeSessionGuard.FILE), Optional.ofNullable(p.getProperty("context")))) {
      List<String> left = reap(client, session, WAIT);
      log(left.isEmpty() ? "session " + session + ": namespaces deleted, no pod runs" : "session " + session + " left: " + left);
      System.exit(left.isEmpty() ? 0 : 1);
    } catch (RuntimeException e) {
      log("session " + session + ": " + e.getMessage());
      System.exit(1);
    }
  }

  /** Deletes session {@code session}'s pods and namespaces; returns the pods still running after {@code wait}. */
  static List<String> reap(KubernetesClient client, String session, Duration wait) throws InterruptedException {
    List<String> namespaces = new ArrayList<>();
    for (Namespace ns : client.namespaces().withLabel(PodgateLabels.SESSION, session).list().getItems()) {
      namespaces.add(ns.getMetadata().getName());
    }
    for (String ns : namespaces) {
      client.pods().inNamespace(ns).withLabel(PodgateLabels.SESSION, session).withGracePeriod(0).delete();
      client.namespaces().withName(ns).delete();
      log("deleted namespace " + ns);
    }
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      List<String> running = new ArrayList<>();
      for (String ns : namespaces) {
        for (Pod pod : client.pods().inNamespace(ns).list().getItems()) {
          String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
          if (!"Succeeded".equals(phase) && !"Failed".equals(phase)) {
            running.add(ns + "/" + pod.getMetadata().getName() + " (" + phase + ")");
          }
        }
      }
      if (running.isEmpty() || System.nanoTime() - deadline > 0) {
        return running;
      }
      Thread.sleep(500);
    }
  }

  private static void log(String message) {
    System.out.println(Instant.now() + " podgate-kube-reaper: " + message);
    System.out.flush();
  }
}
