package io.podgate.kubernetes.internal.backend;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.podgate.PodgateException;
import io.podgate.internal.image.StandardImages;
import io.podgate.internal.measure.churn.ChurnEngine;
import io.podgate.internal.measure.churn.ChurnWorkers;
import io.podgate.internal.measure.churn.LatencyHistograms;
import io.podgate.internal.measure.churn.PodApiChurn;
import io.podgate.internal.measure.churn.PodLatencies;
import io.podgate.measure.ChurnOptions;
import io.podgate.measure.ChurnResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Pod churn through the API ({@link ChurnOptions.Path#POD_API}): each cycle creates a one-container pod
 * labelled {@value ChurnEngine#RUN_LABEL}={@code <run id>} in the session's namespace, waits until it is done
 * (Ready, or phase Succeeded), deletes it with grace period 0 and waits until a watch reports it deleted. One
 * watch on the run's label, started from the resourceVersion of a list made before the first pod, times every
 * condition at the client as its event arrives (kube-burner's podLatency; lastTransitionTime has only 1 s
 * resolution). The clean-up deletes every pod of the run, waits until the API has none and, where the node's
 * runtime can be seen (local-cluster), until it runs no sandbox of them.
 */
final class PodChurnEngine implements PodApiChurn {
  static final String CONTAINER = "churn";
  /** How long a pod may take from its create request to done before its cycle fails. */
  static final Duration DONE_TIMEOUT = Duration.ofMinutes(2);
  /** How long a deleted pod may take to leave the API before its cycle fails. */
  static final Duration GONE_TIMEOUT = Duration.ofMinutes(1);

  private final KubernetesClient client;
  private final SessionNamespace namespace;
  private final ImageSource images;
  private final Map<String, String> ownerLabels;
  private final KubePod.NodeRuntimeCheck runtimeCheck;
  private final long activeDeadlineSeconds;

  PodChurnEngine(KubernetesClient client, SessionNamespace namespace, ImageSource images, Map<String, String> ownerLabels,
      KubePod.NodeRuntimeCheck runtimeCheck, long activeDeadlineSeconds) {
    this.client = client;
    this.namespace = namespace;
    this.images = images;
    this.ownerLabels = Map.copyOf(ownerLabels);
    this.runtimeCheck = runtimeCheck;
    this.activeDeadlineSeconds = activeDeadlineSeconds;
  }

  /** podgate's standard images by reference (churn's default image is one) as a pod declares them. */
  private static final Map<String, String> STANDARD = Map.of(StandardImages.PAUSE_REFERENCE, "podgate:pause",
      StandardImages.BUSYBOX_REFERENCE, "podgate:busybox", StandardImages.NGINX_REFERENCE, "podgate:nginx",
      StandardImages.DEBUG_REFERENCE, "podgate:debug");

  /** The image as a pod would declare it: a standard image's reference becomes its {@code podgate:} name. */
  static String declared(String image) {
    return STANDARD.getOrDefault(image.strip(), image);
  }

  @Override
  public ChurnResult run(ChurnOptions options) {
    return new Run(options).execute();
  }

  /** One pod of a cycle as the watch sees it: when each condition was first True, and the futures a cycle waits on. */
  static final class Tracked {
    final long createNanos;
    final Map<String, Long> firstTrue = new ConcurrentHashMap<>();
    final CompletableFuture<PodProgress.Stage> done = new CompletableFuture<>();
    final CompletableFuture<Void> gone = new CompletableFuture<>();
    volatile String uid;

    Tracked(long createNanos) {
      this.createNanos = createNanos;
    }

    /** Takes one watch event received at {@code nanos}. */
    void observe(Watcher.Action action, Pod pod, long nanos) {
      if (action == Watcher.Action.DELETED) {
        gone.complete(null);
        done.completeExceptionally(new PodgateException("the pod was deleted before it was done ("
            + PodProgress.describe(pod) + ")"));
        return;
      }
      if (action != Watcher.Action.ADDED && action != Watcher.Action.MODIFIED) {
        return;
      }
      uid = pod.getMetadata().getUid();
      for (String c : PodProgress.trueConditions(pod)) {
        firstTrue.putIfAbsent(c, nanos);
      }
      PodProgress.Outcome o = PodProgress.outcome(pod);
      switch (o.stage()) {
        case READY, SUCCEEDED -> done.complete(o.stage());
        case FAILED -> done.completeExceptionally(new PodgateException(o.problem()));
        case PENDING -> { }
      }
    }

    /** Milliseconds from the create request to each condition's first True event. */
    Map<String, Double> latencies() {
      Map<String, Double> out = new LinkedHashMap<>();
      for (String c : ChurnResult.podConditions()) {
        Long at = firstTrue.get(c);
        if (at != null) {
          out.put(c, Math.max(0, at - createNanos) / 1e6);
        }
      }
      return out;
    }
  }

  private final class Run {
    private final ChurnOptions o;
    private final String runId = UUID.randomUUID().toString().substring(0, 8);
    private final LatencyHistograms operations = new LatencyHistograms(ChurnResult.podApiOperations());
    private final PodLatencies podLatencies = new PodLatencies(ChurnResult.podConditions());
    private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();
    private final Set<String> uids = ConcurrentHashMap.newKeySet();
    private volatile String watchProblem;
    private String ns;
    private ImageSource.Resolved image;
    private Watch watch;

    Run(ChurnOptions o) {
      this.o = o;
    }

    ChurnResult execute() {
      return new ChurnWorkers(o, ChurnOptions.Path.POD_API, runId, operations, podLatencies).run(this::setUp,
          this::cycle, (cycle, e) -> "cycle " + cycle + ": " + e.getMessage(), this::cleanUp);
    }

    private void setUp() {
      image = images.resolve(declared(o.image()), "measure.churn() image", Optional.empty());
      ns = namespace.ensure();
      try {
        String from = client.pods().inNamespace(ns).withLabel(ChurnEngine.RUN_LABEL, runId).list().getMetadata()
            .getResourceVersion();
        watch = client.pods().inNamespace(ns).withLabel(ChurnEngine.RUN_LABEL, runId).watch(from, new Watcher<>() {
          @Override
          public void eventReceived(Action action, Pod pod) {
            long now = System.nanoTime();
            Tracked t = pod == null || pod.getMetadata() == null ? null : tracked.get(pod.getMetadata().getName());
            if (t != null) {
              t.observe(action, pod, now);
            }
          }

          @Override
          public void onClose(WatcherException cause) {
            watchProblem = "the watch on the run's pods ended: " + cause.getMessage();
            PodgateException e = new PodgateException(watchProblem);
            tracked.values().forEach(t -> {
              t.done.completeExceptionally(e);
              t.gone.completeExceptionally(e);
            });
          }
        });
      } catch (RuntimeException e) {
        throw KubeClients.failure("churn: watching the pods of run " + runId + " in namespace " + ns, e);
      }
    }

    private void cycle(String cycle) {
      String name = "churn-" + runId + "-" + cycle;
      boolean exists = false;
      try {
        if (watchProblem != null) {
          throw new PodgateException(watchProblem);
        }
        Pod pod = pod(name);
        long t0 = System.nanoTime();
        Tracked t = new Tracked(t0);
        tracked.put(name, t);
        try {
          client.pods().inNamespace(ns).resource(pod).create();
        } catch (RuntimeException e) {
          throw KubeClients.failure("creating pod " + ns + "/" + name, e);
        }
        exists = true;
        long t1 = System.nanoTime();
        operations.record(ChurnResult.CREATE_POD, t1 - t0);
        await(t.done, DONE_TIMEOUT, () -> "pod " + name + " was neither Ready nor Succeeded " + DONE_TIMEOUT.toSeconds()
            + " s after it was created (" + PodProgress.describe(current(name)) + ")" + KubeReadiness.events(client, ns, name));
        if (t.uid != null) {
          uids.add(t.uid);
        }
        long t2 = System.nanoTime();
        operations.record(ChurnResult.AWAIT_POD_DONE, t2 - t1);
        try {
          client.pods().inNamespace(ns).withName(name).withGracePeriod(0L).delete();
        } catch (RuntimeException e) {
          throw KubeClients.failure("deleting pod " + ns + "/" + name, e);
        }
        long t3 = System.nanoTime();
        operations.record(ChurnResult.DELETE_POD, t3 - t2);
        await(t.gone, GONE_TIMEOUT, () -> "pod " + name + " was still in the API " + GONE_TIMEOUT.toSeconds()
            + " s after it was deleted (" + PodProgress.describe(current(name)) + ")");
        operations.record(ChurnResult.AWAIT_POD_GONE, System.nanoTime() - t3);
        exists = false;
        t.latencies().forEach(podLatencies::record);
      } finally {
        Tracked t = tracked.remove(name);
        if (t != null && t.uid != null) {
          uids.add(t.uid);
        }
        if (exists) {
          boolean interrupted = Thread.interrupted();
          KubePod.delete(client, ns, name); // the clean-up reports what is still left
          if (interrupted) {
            Thread.currentThread().interrupt();
          }
        }
      }
    }

    private Pod pod(String name) {
      Map<String, String> labels = new LinkedHashMap<>(ownerLabels);
      labels.put(ChurnEngine.RUN_LABEL, runId);
      return new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).withLabels(labels).endMetadata()
          .withNewSpec().withRestartPolicy("Never").withTerminationGracePeriodSeconds(0L)
          .withActiveDeadlineSeconds(activeDeadlineSeconds).withAutomountServiceAccountToken(false)
          .withEnableServiceLinks(false)
          .addNewContainer().withName(CONTAINER).withImage(image.reference()).withImagePullPolicy(image.pullPolicy())
          .withCommand(o.command().isEmpty() ? null : o.command()).endContainer()
          .endSpec().build();
    }

    private Pod current(String name) {
      try {
        return client.pods().inNamespace(ns).withName(name).get();
      } catch (RuntimeException e) {
        return null;
      }
    }

    private <T> T await(CompletableFuture<T> f, Duration timeout, Supplier<String> onTimeout) {
      try {
        return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw new PodgateException(onTimeout.get());
      } catch (ExecutionException e) {
        throw e.getCause() instanceof PodgateException p ? new PodgateException(p.getMessage(), p)
            : new PodgateException(String.valueOf(e.getCause()), e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PodgateException("interrupted while waiting for a churn pod");
      }
    }

    /** Deletes every pod of the run and waits until the API, and the node's runtime where it is visible, has none. */
    private void cleanUp() {
      List<String> problems = new ArrayList<>();
      if (ns != null) {
        try {
          for (Pod p : client.pods().inNamespace(ns).withLabel(ChurnEngine.RUN_LABEL, runId).list().getItems()) {
            if (p.getMetadata().getUid() != null) {
              uids.add(p.getMetadata().getUid());
            }
            String left = KubePod.delete(client, ns, p.getMetadata().getName());
            if (left != null) {
              problems.add(left);
            }
          }
        } catch (RuntimeException e) {
          problems.add(KubeClients.failure("listing the pods of churn run " + runId, e).getMessage());
        }
      }
      if (watch != null) {
        watch.close();
      }
      if (runtimeCheck != null && problems.isEmpty()) {
        for (String uid : uids) {
          String left = runtimeCheck.awaitGone(uid);
          if (left != null) {
            problems.add(left);
          }
        }
      }
      if (!problems.isEmpty()) {
        throw new PodgateException("churn run " + runId + " could not remove all its pods from namespace " + ns + ": "
            + String.join("; ", problems));
      }
    }
  }
}
