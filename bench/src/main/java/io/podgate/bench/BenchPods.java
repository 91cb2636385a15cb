package io.podgate.bench;

import io.podgate.Pod;
import io.podgate.internal.backend.PodBackend;
import io.podgate.internal.backend.PodHandle;
import io.podgate.internal.image.StandardImages;
import io.podgate.internal.pod.ConfigRef;
import io.podgate.internal.pod.ContainerSpec;
import io.podgate.internal.pod.PodSpec;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One-container pods made through a backend (the bench's daemon or a cluster), as a test's are, handed out as
 * the public {@link Pod} the measure API takes ({@code Throughput.hostTo}, {@code Throughput.between}). Labelled
 * for the run's sweep; closing this removes every pod it made, newest first.
 */
final class BenchPods implements AutoCloseable {
  static final String NAMESPACE = "podgate-bench";
  /** The nginx image as a test names it: each backend resolves and, when missing, imports it. */
  static final String NGINX = "podgate:nginx";
  static final int NGINX_PORT = StandardImages.NGINX_PORT;

  private final PodBackend backend;
  private final Map<String, String> labels;
  private final Consumer<Pod> made;
  private final Deque<PodHandle> pods = new ArrayDeque<>();

  /** @param made told of each pod once it runs (e.g. to print where it is) */
  BenchPods(PodBackend backend, Map<String, String> labels, Consumer<Pod> made) {
    this.backend = backend;
    this.labels = Map.copyOf(labels);
    this.made = made;
  }

  /** A pod {@code name} with one running container {@code name} of {@code image} (e.g. "podgate:debug"), its own command. */
  Pod start(String name, String image) {
    return start(name, image, ContainerSpec.WaitSpec.running());
  }

  /** As {@link #start(String, String)}, ready once {@code port} accepts TCP connections (at most 60 s). */
  Pod startListening(String name, String image, int port) {
    return start(name, image, new ContainerSpec.WaitSpec(port, "", 0, 200, "", List.of(), Duration.ofSeconds(60)));
  }

  private Pod start(String name, String image, ContainerSpec.WaitSpec wait) {
    ContainerSpec c = new ContainerSpec("bench container " + name, name, name, image, List.of(), List.of(), Map.of(),
        "", List.of(), false, 0, ConfigRef.NONE, wait);
    PodSpec spec = new PodSpec("bench pod " + name, name, name, NAMESPACE, Map.of(), Map.of(), "", "",
        List.of(), List.of(), List.of(), List.of(), ConfigRef.NONE, List.of(c));
    PodHandle p = backend.create(backend.plan(spec), labels);
    pods.push(p);
    made.accept(p);
    return p;
  }

  @Override
  public void close() {
    RuntimeException failure = null;
    while (!pods.isEmpty()) {
      try {
        pods.pop().close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
