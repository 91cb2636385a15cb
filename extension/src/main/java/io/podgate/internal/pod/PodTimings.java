package io.podgate.internal.pod;

/**
 * Milliseconds spent on each provisioning phase of a pod, as the test waited for them: {@code imagesMs}
 * is the wait for the images beyond RunPodSandbox, beside which they are made. For a pod whose
 * sandbox was started ahead (while an earlier test ran), {@code createMs} is the test's wait for that
 * sandbox (if it was not ready yet) plus CreateContainer, and
 * {@code aheadMs} is what the sandbox took in the background (RunPodSandbox, its status, images);
 * {@code aheadMs} is -1 for a pod made at once.
 */
public record PodTimings(long imagesMs, long createMs, long startMs, long readyMs, long aheadMs) {
  public PodTimings(long imagesMs, long createMs, long startMs, long readyMs) {
    this(imagesMs, createMs, startMs, readyMs, -1);
  }

  /** Whether the pod's sandbox was started ahead of the test that got it. */
  public boolean ahead() {
    return aheadMs >= 0;
  }
}
