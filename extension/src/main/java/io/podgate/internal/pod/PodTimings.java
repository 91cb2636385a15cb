package io.podgate.internal.pod;

/** Milliseconds spent on each provisioning phase of a pod. */
public record PodTimings(long imagesMs, long createMs, long startMs, long readyMs) {}
