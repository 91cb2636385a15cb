package io.podgate.internal.backend;

/** A hold on a backend; closing the last hold ends it (removing what it still has). */
public interface BackendLease extends AutoCloseable {

  PodBackend backend();

  @Override
  void close();
}
