package io.podgate.internal.measure.churn;

import io.grpc.Status;
import io.podgate.Container;
import io.podgate.PodgateException;
import io.podgate.internal.cri.CriClient;
import io.podgate.internal.cri.CriException;
import io.podgate.internal.cri.KubeletDefaults;
import io.podgate.internal.cri.v1.ContainerConfig;
import io.podgate.internal.cri.v1.ContainerMetadata;
import io.podgate.internal.cri.v1.ContainerState;
import io.podgate.internal.cri.v1.ImageSpec;
import io.podgate.internal.cri.v1.PodSandboxConfig;
import io.podgate.internal.cri.v1.PodSandboxMetadata;
import io.podgate.internal.grpc.RelayChannel;
import io.podgate.internal.image.BuiltImage;
import io.podgate.internal.image.OciArchiveImporter;
import io.podgate.internal.image.StandardImages;
import io.podgate.measure.ChurnOptions;
import io.podgate.measure.ChurnResult;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.awaitility.Awaitility;

/**
 * Container churn through CRI (what containerd-stress does, but over the CRI socket). Everything a run
 * creates carries the label {@value #RUN_LABEL} with the run's id, and is removed before {@link #run}
 * returns or throws, also on failure or interruption.
 */
public final class ChurnEngine {
  public static final String RUN_LABEL = "io.podgate.churn/run";
  public static final String POD_NAMESPACE = "podgate-churn";
  /** How long containerd may take to report a container exited after it dropped the shim connection. */
  static final Duration EXIT_HANDLING = Duration.ofSeconds(5);

  private final CriClient cri;

  public ChurnEngine(CriClient cri) {
    this.cri = cri;
  }

  /** Runs the churn described by {@code options}; throws only when the run cannot start or cannot clean up. */
  public ChurnResult run(ChurnOptions options) {
    RelayChannel.callDirectFromNow(cri.channel()); // its figures are per call: not through the keeper's hops
    return new Run(options).execute();
  }

  /**
   * Imports {@code image} into the runtime when it is one of podgate's standard images and missing.
   * Other references are left alone: a missing one then fails each cycle's CreateContainer.
   */
  public static void ensureStandardImage(CriClient cri, String image) {
    if (cri.imageStatus(image).isPresent()) {
      return;
    }
    Supplier<BuiltImage> recipe = standardImages().get(image);
    if (recipe != null) {
      BuiltImage built = recipe.get();
      new OciArchiveImporter(cri.channel(), cri.endpoint()).importArchive(built.archive(), built.reference());
    }
  }

  /** podgate's standard images by reference, each built (and cached) on demand. */
  static Map<String, Supplier<BuiltImage>> standardImages() {
    StandardImages images = new StandardImages(StandardImages.defaultCacheDir());
    return Map.of(
        StandardImages.BUSYBOX_REFERENCE, images::busybox,
        StandardImages.PAUSE_REFERENCE, images::pause,
        StandardImages.DEBUG_REFERENCE, images::debug,
        StandardImages.NGINX_REFERENCE, images::nginx);
  }

  private final class Run {
    private final ChurnOptions o;
    private final String runId = UUID.randomUUID().toString().substring(0, 8);
    private final LatencyHistograms latencies;
    private String sharedPodId;
    private PodSandboxConfig sharedPodConfig;

    Run(ChurnOptions o) {
      this.o = o;
      this.latencies = new LatencyHistograms(ChurnResult.operations(o.mode()));
    }

    ChurnResult execute() {
      return new ChurnWorkers(o, ChurnOptions.Path.CRI, runId, latencies).run(this::setUp, this::cycle,
          (cycle, e) -> "cycle " + cycle + ": " + e.getMessage() + hint(e), this::cleanUp);
    }

    private void setUp() {
      ensureStandardImage(cri, o.image());
      if (o.mode() == ChurnOptions.Mode.SHARED_POD) {
        sharedPodConfig = podConfig("shared");
        try {
          sharedPodId = cri.runPodSandbox(sharedPodConfig);
        } catch (RuntimeException e) {
          throw new PodgateException("churn could not run its shared pod sandbox, so no cycle ran: "
              + e.getMessage() + " (check the runtime's sandbox image and CNI config)", e);
        }
      }
    }

    private void cycle(String cycle) {
      PodSandboxConfig podConfig = sharedPodConfig;
      String podId = sharedPodId;
      boolean ownPod = o.mode() == ChurnOptions.Mode.POD_PER_CYCLE;
      String containerId = null;
      boolean completedCleanly = false;
      try {
        if (ownPod) {
          PodSandboxConfig config = podConfig(cycle);
          podConfig = config;
          podId = timed(ChurnResult.RUN_POD_SANDBOX, () -> cri.runPodSandbox(config));
        }
        String pod = podId;
        PodSandboxConfig sandbox = podConfig;
        String id = timed(ChurnResult.CREATE_CONTAINER, () -> cri.createContainer(pod, containerConfig(cycle), sandbox));
        containerId = id;
        timed(ChurnResult.START_CONTAINER, () -> cri.startContainer(id));
        timed(ChurnResult.STOP_CONTAINER, () -> stopExiting(id));
        timed(ChurnResult.REMOVE_CONTAINER, () -> removeStopped(id));
        containerId = null;
        if (ownPod) {
          timed(ChurnResult.STOP_POD_SANDBOX, () -> cri.stopPodSandbox(pod));
          timed(ChurnResult.REMOVE_POD_SANDBOX, () -> cri.removePodSandbox(pod));
          podId = null;
        }
        completedCleanly = true;
      } finally {
        if (!completedCleanly) {
          if (containerId != null) {
            LabelSweep.removeContainerQuietly(cri, containerId);
          }
          if (ownPod && podId != null) {
            LabelSweep.removePodQuietly(cri, podId);
          }
        }
      }
    }

    /**
     * A container that ends by itself (e.g. /bin/true) may lose its shim connection while
     * StopContainer talks to it, and containerd 1.6 then answers "ttrpc: closed" while it is still
     * handling that exit. When the container is reported exited within {@link #EXIT_HANDLING}, it is
     * stopped: anything else is a real failure.
     */
    private void stopExiting(String id) {
      try {
        cri.stopContainer(id, o.stopTimeout());
      } catch (RuntimeException e) {
        if (!String.valueOf(e.getMessage()).contains("ttrpc: closed") || !exitsWithin(id, EXIT_HANDLING)) {
          throw e;
        }
      }
    }

    private boolean exitsWithin(String id, Duration patience) {
      try {
        Awaitility.await().pollInSameThread().pollInterval(Duration.ofMillis(20)).atMost(patience)
            .until(() -> cri.containerStatus(id).getStatus().getState() == ContainerState.CONTAINER_EXITED);
        return true;
      } catch (RuntimeException notExitedInTime) { // ConditionTimeoutException, or the status call failed
        return false;
      }
    }

    /**
     * containerd 1.6 may answer StopContainer before it has handled the exit of a container that
     * ended by itself (e.g. /bin/true), and then refuses RemoveContainer as "still running": stop
     * again (it returns at once now) and remove once more. Seen about once in a few hundred cycles.
     */
    private void removeStopped(String id) {
      try {
        cri.removeContainer(id);
      } catch (RuntimeException e) {
        if (!String.valueOf(e.getMessage()).contains("still running")) {
          throw e;
        }
        cri.stopContainer(id, o.stopTimeout());
        cri.removeContainer(id);
      }
    }

    private void timed(String op, Runnable call) {
      timed(op, () -> {
        call.run();
        return null;
      });
    }

    private <T> T timed(String op, Supplier<T> call) {
      long t0 = System.nanoTime();
      T value = call.get();
      latencies.record(op, System.nanoTime() - t0);
      return value;
    }

    private String hint(RuntimeException e) {
      if (e instanceof CriException c && c.operation().equals(ChurnResult.CREATE_CONTAINER)
          && c.code() == Status.Code.NOT_FOUND && cri.imageStatus(o.image()).isEmpty()) {
        return " [image " + o.image() + " is not in this runtime; podgate imports only its own standard images, "
            + "so import or pull it before the churn]";
      }
      return "";
    }

    private PodSandboxConfig podConfig(String suffix) {
      String name = "churn-" + runId + "-" + suffix;
      return PodSandboxConfig.newBuilder()
          .setMetadata(PodSandboxMetadata.newBuilder()
              .setName(name)
              .setNamespace(POD_NAMESPACE)
              .setUid(UUID.randomUUID().toString()))
          .setHostname(name)
          .putLabels(RUN_LABEL, runId)
          .build();
    }

    private ContainerConfig containerConfig(String cycle) {
      return ContainerConfig.newBuilder()
          .setMetadata(ContainerMetadata.newBuilder().setName("churn-" + runId + "-" + cycle))
          .setImage(ImageSpec.newBuilder().setImage(o.image()))
          .addAllCommand(o.command())
          .putLabels(RUN_LABEL, runId)
          .setLinux(KubeletDefaults.ownPidNamespace())
          .build();
    }

    private void cleanUp() {
      LabelSweep.removeAll(cri, RUN_LABEL, runId, "churn run " + runId);
    }
  }
}
