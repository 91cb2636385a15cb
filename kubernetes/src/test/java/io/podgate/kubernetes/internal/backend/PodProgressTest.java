package io.podgate.kubernetes.internal.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.podgate.PodgateException;
import io.podgate.internal.image.StandardImages;
import io.podgate.measure.ChurnResult;
import java.util.concurrent.ExecutionException;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** Churn pods' states as the API server sends them (shapes of a v1.20 kubelet's status updates). */
class PodProgressTest {
  private static Pod pod(String phase, String conditions, String containerState) {
    return Serialization.unmarshal("""
        {"apiVersion": "v1", "kind": "Pod",
         "metadata": {"name": "churn-1-w0-0", "namespace": "podgate-s", "uid": "u-1"},
         "status": {"phase": "%s", "conditions": [%s],
           "containerStatuses": [%s]}}
        """.formatted(phase, conditions, containerState), Pod.class);
  }

  private static String cond(String type, String status) {
    return "{\"type\": \"%s\", \"status\": \"%s\", \"lastTransitionTime\": \"2026-12-01T03:30:41Z\"}".formatted(type, status);
  }

  private static final String SCHEDULED = cond("PodScheduled", "True");
  private static final String RUNNING = "{\"name\": \"churn\", \"ready\": true, \"restartCount\": 0, "
      + "\"image\": \"podgate.local/busybox:1\", \"imageID\": \"\", \"state\": {\"running\": {\"startedAt\": \"2026-12-01T03:30:42Z\"}}}";

  @Test
  void aPodJustBoundHasOnlyPodScheduledTrueAndIsPending() {
    Pod p = pod("Pending", SCHEDULED, "");
    assertThat(PodProgress.trueConditions(p)).containsExactly(ChurnResult.POD_SCHEDULED);
    assertThat(PodProgress.outcome(p).stage()).isEqualTo(PodProgress.Stage.PENDING);
    assertThat(PodProgress.describe(p)).isEqualTo("phase Pending, PodScheduled=True");
  }

  @Test
  void aRunningPodIsDoneWhenReadyIsTrue() {
    Pod starting = pod("Pending", String.join(",", cond("Initialized", "True"), cond("Ready", "False"),
        cond("ContainersReady", "False"), SCHEDULED), "");
    assertThat(PodProgress.trueConditions(starting)).containsExactly(ChurnResult.INITIALIZED, ChurnResult.POD_SCHEDULED);
    assertThat(PodProgress.outcome(starting).stage()).isEqualTo(PodProgress.Stage.PENDING);
    Pod ready = pod("Running", String.join(",", cond("Initialized", "True"), cond("Ready", "True"),
        cond("ContainersReady", "True"), SCHEDULED), RUNNING);
    assertThat(PodProgress.trueConditions(ready)).containsExactlyInAnyOrderElementsOf(ChurnResult.podConditions());
    assertThat(PodProgress.outcome(ready).stage()).isEqualTo(PodProgress.Stage.READY);
  }

  @Test
  void aCommandThatExitedZeroIsDoneAsSucceededWithoutReady() {
    Pod p = pod("Succeeded", String.join(",", cond("Initialized", "True"), cond("Ready", "False"),
        cond("ContainersReady", "False"), SCHEDULED), "{\"name\": \"churn\", \"ready\": false, \"restartCount\": 0,"
        + " \"image\": \"i\", \"imageID\": \"\", \"state\": {\"terminated\": {\"exitCode\": 0, \"reason\": \"Completed\"}}}");
    assertThat(PodProgress.outcome(p).stage()).isEqualTo(PodProgress.Stage.SUCCEEDED);
    assertThat(PodProgress.trueConditions(p)).doesNotContain(ChurnResult.READY);
  }

  @Test
  void aFailedPodOrAnImageTheNodeLacksFailsNamingWhy() {
    PodProgress.Outcome failed = PodProgress.outcome(pod("Failed", SCHEDULED, "{\"name\": \"churn\", \"ready\": false,"
        + " \"restartCount\": 0, \"image\": \"i\", \"imageID\": \"\", \"state\": {\"terminated\": {\"exitCode\": 1, \"reason\": \"Error\"}}}"));
    assertThat(failed.stage()).isEqualTo(PodProgress.Stage.FAILED);
    assertThat(failed.problem()).isEqualTo("pod phase Failed; container churn exited with code 1 (Error)");
    PodProgress.Outcome noImage = PodProgress.outcome(pod("Pending", SCHEDULED, "{\"name\": \"churn\", \"ready\": false,"
        + " \"restartCount\": 0, \"image\": \"x\", \"imageID\": \"\", \"state\": {\"waiting\": {\"reason\": \"ErrImageNeverPull\","
        + " \"message\": \"Container image \\\"x\\\" is not present with pull policy of Never\"}}}"));
    assertThat(noImage.stage()).isEqualTo(PodProgress.Stage.FAILED);
    assertThat(noImage.problem()).isEqualTo("container churn waits: ErrImageNeverPull (Container image \"x\" is not present"
        + " with pull policy of Never)");
    PodProgress.Outcome creating = PodProgress.outcome(pod("Pending", SCHEDULED, "{\"name\": \"churn\", \"ready\": false,"
        + " \"restartCount\": 0, \"image\": \"x\", \"imageID\": \"\", \"state\": {\"waiting\": {\"reason\": \"ContainerCreating\"}}}"));
    assertThat(creating.stage()).isEqualTo(PodProgress.Stage.PENDING);
  }

  @Test
  void aPodWithoutStatusIsPendingAndDescribedSo() {
    Pod p = Serialization.unmarshal("{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"n\"}}", Pod.class);
    assertThat(PodProgress.trueConditions(p)).isEmpty();
    assertThat(PodProgress.outcome(p).stage()).isEqualTo(PodProgress.Stage.PENDING);
    assertThat(PodProgress.describe(p)).isEqualTo("no status yet");
    assertThat(PodProgress.describe(null)).isEqualTo("the pod is not in the API");
  }

  @Test
  void trackedTimesEachConditionAtItsFirstTrueEventFromTheCreateRequest() throws Exception {
    long created = 1_000_000_000L;
    PodChurnEngine.Tracked t = new PodChurnEngine.Tracked(created);
    t.observe(Watcher.Action.ADDED, pod("Pending", "", ""), created + 2_000_000);
    t.observe(Watcher.Action.MODIFIED, pod("Pending", SCHEDULED, ""), created + 5_500_000);
    t.observe(Watcher.Action.MODIFIED, pod("Pending", String.join(",", cond("Initialized", "True"),
        cond("Ready", "False"), SCHEDULED), ""), created + 40_000_000);
    assertThat(t.done).isNotDone();
    t.observe(Watcher.Action.MODIFIED, pod("Running", String.join(",", cond("Initialized", "True"), cond("Ready", "True"),
        cond("ContainersReady", "True"), SCHEDULED), RUNNING), created + 900_250_000);
    // a later event with the same conditions changes nothing
    t.observe(Watcher.Action.MODIFIED, pod("Running", String.join(",", cond("Initialized", "True"), cond("Ready", "True"),
        cond("ContainersReady", "True"), SCHEDULED), RUNNING), created + 990_000_000);
    assertThat(t.done.get()).isEqualTo(PodProgress.Stage.READY);
    assertThat(t.uid).isEqualTo("u-1");
    assertThat(t.latencies()).containsExactly(
        Assertions.entry(ChurnResult.POD_SCHEDULED, 5.5), Assertions.entry(ChurnResult.INITIALIZED, 40.0),
        Assertions.entry(ChurnResult.CONTAINERS_READY, 900.25), Assertions.entry(ChurnResult.READY, 900.25));
    assertThat(t.gone).isNotDone();
    t.observe(Watcher.Action.DELETED, pod("Running", SCHEDULED, RUNNING), created + 1_200_000_000L);
    assertThat(t.gone).isDone();
  }

  @Test
  void trackedFailsWhenThePodFailsOrIsDeletedBeforeItIsDone() {
    PodChurnEngine.Tracked failed = new PodChurnEngine.Tracked(0);
    failed.observe(Watcher.Action.MODIFIED, pod("Failed", SCHEDULED, ""), 10);
    Assertions.assertThatThrownBy(failed.done::get).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(PodgateException.class).hasMessageContaining("pod phase Failed");
    PodChurnEngine.Tracked deleted = new PodChurnEngine.Tracked(0);
    deleted.observe(Watcher.Action.DELETED, pod("Pending", SCHEDULED, ""), 10);
    Assertions.assertThatThrownBy(deleted.done::get).hasMessageContaining("deleted before it was done (phase Pending");
    assertThat(deleted.gone).isDone();
  }

  @Test
  void standardImageReferencesAreDeclaredByTheirPodgateNames() {
    assertThat(PodChurnEngine.declared(StandardImages.BUSYBOX_REFERENCE)).isEqualTo("podgate:busybox");
    assertThat(PodChurnEngine.declared("podgate:nginx")).isEqualTo("podgate:nginx");
    assertThat(PodChurnEngine.declared("registry.example/app:1")).isEqualTo("registry.example/app:1");
  }
}
