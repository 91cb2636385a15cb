package io.podgate.internal.pod;

import io.podgate.internal.containerd.content.ContentGrpc;
import io.podgate.internal.containerd.images.ImagesGrpc;
import io.podgate.internal.containerd.leases.LeasesGrpc;
import io.podgate.internal.cri.CriClient;
import io.podgate.internal.cri.v1.ContainerConfig;
import io.podgate.internal.cri.v1.PodSandboxConfig;
import io.podgate.internal.cri.v1.RuntimeServiceGrpc;
import io.podgate.internal.runtime.CriEndpoint;
import io.podgate.internal.runtime.RuntimeReuse;
import io.podgate.internal.runtime.SharedContainerd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Loads and runs once, on a background thread, the code the first pod of a run needs (gRPC, Netty,
 * protobuf, the CRI and containerd stubs, JSON): in a fresh JVM that costs hundreds of milliseconds,
 * which can overlap test discovery instead of delaying the first test. It creates nothing: with a
 * reused runtime it calls CRI Version on it; otherwise it calls a socket that does not exist.
 */
public final class Warmup {
  private Warmup() {}

  /** Starts the warm-up on a daemon thread and returns at once. */
  public static void startInBackground() {
    startInBackground(true);
  }

  /**
   * As {@link #startInBackground()}; {@code callRuntime} false leaves out the CRI call, for when the session is
   * being started on another thread already (it loads those classes itself).
   */
  public static void startInBackground(boolean callRuntime) {
    startInBackground(callRuntime, () -> { });
  }

  /** As {@link #startInBackground(boolean)}, then runs {@code more} on that thread (a warm-up of a layer above). */
  public static void startInBackground(boolean callRuntime, Runnable more) {
    Thread t = new Thread(() -> {
      run(callRuntime);
      more.run();
    }, "podgate-warmup");
    t.setDaemon(true);
    t.setPriority(Thread.MIN_PRIORITY);
    t.start();
  }

  static void run() {
    run(true);
  }

  static void run(boolean callRuntime) {
    try {
      RuntimeServiceGrpc.getServiceDescriptor();
      ImagesGrpc.getServiceDescriptor();
      if (callRuntime) { // not when attaching to a reused runtime: its images are most likely there, no import comes
        ContentGrpc.getServiceDescriptor();
        LeasesGrpc.getServiceDescriptor();
      }
      PodSandboxConfig.newBuilder().putLabels("warm", "up").build().toByteArray();
      ContainerConfig.newBuilder().build().toByteArray();
      if (!callRuntime) {
        return;
      }
      Path socket = reusedSocket().orElse(Path.of("/nonexistent-podgate-warmup/containerd.sock"));
      try (CriClient cri = CriClient.connect(socket)) {
        cri.withDeadline(Duration.ofMillis(500)).version();
      } catch (RuntimeException expected) {
        // no runtime there: the classes are loaded all the same
      }
      loadJson();
    } catch (Exception | LinkageError e) {
      // a warm-up never fails a run
    }
  }

  /**
   * Loads the JSON library podgate writes its reports with (and reads some runtime answers with): over
   * 100 ms in a cold JVM, better spent while the first pod starts than at the end of the run.
   */
  public static void loadJson() {
    try {
      io.podgate.internal.host.Json.mapper().writeValueAsString(java.util.Map.of("warm", java.util.List.of(1)));
      io.podgate.internal.host.Json.mapper().readTree("{\"warm\": [1]}");
    } catch (Exception | LinkageError e) {
      // a warm-up never fails a run
    }
  }

  /** Whether this JVM would attach to a reused runtime that runs now (and not start one, or use another backend). */
  public static boolean reusedRuntimeRunning() {
    try {
      return reusedSocket().isPresent();
    } catch (RuntimeException e) {
      return false; // a setting the session will refuse, saying why
    }
  }

  /** The socket of the reused runtime this JVM would attach to, if one runs. */
  private static Optional<Path> reusedSocket() {
    if (System.getProperty(CriEndpoint.PROPERTY) != null || System.getenv(CriEndpoint.ENV) != null
        || !RuntimeReuse.current().enabled()) {
      return Optional.empty();
    }
    Path workdir = Path.of(System.getProperty(PodgateSession.WORKDIR_PROPERTY,
        Path.of(System.getProperty("java.io.tmpdir"), "podgate").toString()));
    Path dir = SharedContainerd.directory(workdir,
        System.getProperty(PodgateSession.BRIDGE_PROPERTY, PodgateSession.DEFAULT_BRIDGE));
    return SharedContainerd.readState(dir).filter(SharedContainerd.State::alive).map(SharedContainerd.State::socket)
        .filter(Files::exists);
  }
}
