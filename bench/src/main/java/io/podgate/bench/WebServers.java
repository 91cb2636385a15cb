package io.podgate.bench;

import io.podgate.Pod;
import io.podgate.PodgateException;
import io.podgate.internal.measure.http.HostNginx;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * nginx on the host and nginx in a pod of the run's backend, serving the same body with the same config
 * (sections 4 and 5); closing removes the pod, then stops the host nginx.
 */
record WebServers(HostNginx host, BenchPods pods, Pod pod, String podPath) implements WebTargets, AutoCloseable {
  /**
   * Starts both; the pod is ready once running ({@code waitForPort}: once port 80 accepts connections), then
   * awaited to listen. {@code podPath} says how the bench reaches the pod, e.g. " (pod-ip)"; empty on the bench's daemon.
   */
  static WebServers start(SeedRun run, boolean waitForPort, String podPath) {
    HostNginx host = HostNginx.start(run.work.resolve("nginx"));
    try {
      BenchPods pods = run.pods();
      try {
        Pod pod = waitForPort ? pods.startListening("web", BenchPods.NGINX, BenchPods.NGINX_PORT)
            : pods.start("web", BenchPods.NGINX);
        awaitListening(pod.ip(), BenchPods.NGINX_PORT, Duration.ofSeconds(30));
        return new WebServers(host, pods, pod, podPath);
      } catch (RuntimeException e) {
        pods.close();
        throw e;
      }
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
    return "http://" + pod.ip() + ":" + BenchPods.NGINX_PORT + "/";
  }

  @Override
  public void close() {
    try {
      pods.close();
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
