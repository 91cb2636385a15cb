package io.podgate.bench;

import io.podgate.PodgateException;
import io.podgate.internal.cri.CriClient;
import io.podgate.internal.image.StandardImages;
import io.podgate.internal.measure.http.HostNginx;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** nginx on the host and nginx in a pod, serving the same body with the same config (sections 4 and 5). */
record WebServers(HostNginx host, BenchPod pod) implements WebTargets, AutoCloseable {
  static WebServers start(CriClient cri, String runId, Path work) {
    HostNginx host = HostNginx.start(work.resolve("nginx"));
    try {
      BenchPod pod = BenchPod.start(cri, SeedBenchmark.LABEL, runId, "web", StandardImages.NGINX_REFERENCE, List.of());
      try {
        awaitListening(pod.ip(), StandardImages.NGINX_PORT, Duration.ofSeconds(30));
      } catch (RuntimeException e) {
        pod.close();
        throw e;
      }
      return new WebServers(host, pod);
    } catch (RuntimeException e) {
      host.close();
      throw e;
    }
  }

  @Override
  public String hostUrl() {
    return host.url("/");
  }

  @Override
  public String podUrl() {
    return "http://" + pod.ip() + ":" + StandardImages.NGINX_PORT + "/";
  }

  @Override
  public void close() {
    try {
      pod.close();
    } finally {
      host.close();
    }
  }

  static void awaitListening(String ip, int port, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    IOException last = null;
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(ip, port), 500);
        return;
      } catch (IOException e) {
        last = e;
        try {
          Thread.sleep(100);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    throw new PodgateException("nothing listens on " + ip + ":" + port + " after " + timeout.toSeconds()
        + " s (last: " + last + "); check the container's log and that the pod network is up");
  }
}
