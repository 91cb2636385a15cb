package io.podgate.internal.measure.churn;

import io.podgate.Container;
import io.podgate.measure.ChurnOptions;
import io.podgate.measure.ChurnResult;
import io.podgate.PodgateException;
import io.grpc.Status;
import io.podgate.internal.cri.CriClient;
import io.podgate.internal.cri.CriException;
import io.podgate.internal.cri.KubeletDefaults;
import io.podgate.internal.cri.v1.ContainerConfig;
import io.podgate.internal.cri.v1.ContainerState;
import io.podgate.internal.cri.v1.ContainerMetadata;
import io.podgate.internal.cri.v1.ImageSpec;
import io.podgate.internal.cri.v1.PodSandboxConfig;
import io.podgate.internal.cri.v1.PodSandboxMetadata;
import io.podgate.internal.image.BuiltImage;
import io.podgate.internal.image.OciArchiveImporter;
import io.podgate.internal.image.StandardImages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
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
  static final int KEPT_FAILURE_MESSAGES = 5;
  /** How long containerd may take to report a container exited after it dropped the shim connection. */
  static final Duration EXIT_HANDLING = Duration.ofSeconds(5);

  private final CriClient cri;

  public ChurnEngine(CriClient cri) {
    this.cri = cri;
  }

  /** Runs the churn described by {@code options}; throws only when the run cannot start or cannot clean up. */
  public ChurnResult run(ChurnOptions options) {
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
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong tickets = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final List<String> failureMessages = new ArrayList<>();
    private final Map<Integer, LongAdder> perSecond = new ConcurrentHashMap<>();
    private final AtomicReference<String> stoppedEarly = new AtomicReference<>();
    private volatile long startNanos;
    private String sharedPodId;
    private PodSandboxConfig sharedPodConfig;

    Run(ChurnOptions o) {
      this.o = o;
      this.latencies = new LatencyHistograms(ChurnResult.operations(o.mode()));
    }

    ChurnResult execute() {
      boolean interrupted = false;
      long endNanos;
      ExecutorService workers = Executors.newFixedThreadPool(o.workers(), daemon("podgate-churn-" + runId));
      ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor(daemon("podgate-churn-progress"));
      try {
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
        startNanos = System.nanoTime();
        long deadline = o.duration() != null ? startNanos + o.duration().toNanos() : Long.MAX_VALUE;
        long intervalMs = o.progressInterval().toMillis();
        AtomicLong lastCount = new AtomicLong();
        AtomicLong lastNanos = new AtomicLong(startNanos);
        reporter.scheduleAtFixedRate(() -> progress(lastCount, lastNanos), intervalMs, intervalMs, TimeUnit.MILLISECONDS);
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < o.workers(); w++) {
          int worker = w;
          futures.add(workers.submit(() -> work(worker, deadline)));
        }
        for (Future<?> f : futures) {
          try {
            awaitWorker(f);
          } catch (InterruptedException e) {
            interrupted = true;
            stop.set(true);
            stoppedEarly.compareAndSet(null, "interrupted");
          }
        }
        if (interrupted) {
          for (Future<?> f : futures) {
            awaitUninterruptibly(f);
          }
        }
        endNanos = System.nanoTime();
      } finally {
        stop.set(true);
        reporter.shutdownNow();
        workers.shutdown();
        boolean wasInterrupted = Thread.interrupted() || interrupted;
        try {
          cleanUp();
        } finally {
          if (wasInterrupted) {
            Thread.currentThread().interrupt();
          }
        }
      }
      ChurnResult result = result(endNanos);
      if (interrupted) {
        throw new PodgateException("churn interrupted after " + result.cycles() + " cycles; everything it created "
            + "was removed. " + result.summary());
      }
      o.progress().accept("churn done: " + result.summary().lines().findFirst().orElse(""));
      return result;
    }

    private void awaitWorker(Future<?> f) throws InterruptedException {
      try {
        f.get();
      } catch (java.util.concurrent.ExecutionException e) {
        throw new PodgateException("churn worker crashed: " + e.getCause(), e.getCause());
      }
    }

    private void awaitUninterruptibly(Future<?> f) {
      boolean again = true;
      while (again) {
        try {
          awaitWorker(f);
          again = false;
        } catch (InterruptedException e) {
          // keep waiting: the worker finishes its cycle and cleans up
        }
      }
    }

    private void work(int worker, long deadline) {
      long seq = 0;
      while (!stop.get() && System.nanoTime() < deadline) {
        if (o.cycles() > 0 && tickets.getAndIncrement() >= o.cycles()) {
          return;
        }
        String cycle = "w" + worker + "-" + seq++;
        try {
          cycle(cycle);
          completed.incrementAndGet();
          int second = (int) ((System.nanoTime() - startNanos) / 1_000_000_000L);
          perSecond.computeIfAbsent(second, s -> new LongAdder()).increment();
        } catch (RuntimeException e) {
          failed(cycle, e);
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

    private void failed(String cycle, RuntimeException e) {
      long n = failures.incrementAndGet();
      synchronized (failureMessages) {
        if (failureMessages.size() < KEPT_FAILURE_MESSAGES) {
          failureMessages.add("cycle " + cycle + ": " + e.getMessage() + hint(e));
        }
      }
      if (n >= o.maxFailures() && stoppedEarly.compareAndSet(null, "reached maxFailures = " + o.maxFailures()
          + " (" + n + " failed cycles)")) {
        stop.set(true);
      }
    }

    private String hint(RuntimeException e) {
      if (e instanceof CriException c && c.operation().equals(ChurnResult.CREATE_CONTAINER)
          && c.code() == Status.Code.NOT_FOUND && cri.imageStatus(o.image()).isEmpty()) {
        return " [image " + o.image() + " is not in this runtime; podgate imports only its own standard images, "
            + "so import or pull it before the churn]";
      }
      return "";
    }

    private void progress(AtomicLong lastCount, AtomicLong lastNanos) {
      long now = System.nanoTime();
      long done = completed.get();
      double sinceLast = (now - lastNanos.getAndSet(now)) / 1e9;
      long recent = done - lastCount.getAndSet(done);
      double total = (now - startNanos) / 1e9;
      o.progress().accept(String.format(Locale.ROOT,
          "churn %.0f s: %d cycles, %.2f/s overall, %.2f/s in the last %.0f s, %d failure(s)",
          total, done, done / total, recent / sinceLast, sinceLast, failures.get()));
    }

    private ChurnResult result(long endNanos) {
      Duration elapsed = Duration.ofNanos(endNanos - startNanos);
      int seconds = (int) Math.max(1, (elapsed.toNanos() + 999_999_999L) / 1_000_000_000L);
      List<Long> series = new ArrayList<>();
      for (int s = 0; s < seconds; s++) {
        LongAdder a = perSecond.get(s);
        series.add(a == null ? 0L : a.sum());
      }
      List<String> messages;
      synchronized (failureMessages) {
        messages = List.copyOf(failureMessages);
      }
      return new ChurnResult(o.mode(), o.workers(), o.image(), completed.get(), failures.get(), messages, elapsed,
          latencies.summaries(), series, stoppedEarly.get());
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

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicLong n = new AtomicLong();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.getAndIncrement());
      t.setDaemon(true);
      return t;
    };
  }
}
