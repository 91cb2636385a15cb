package io.podgate.internal.measure.api;

import io.podgate.PodgateException;
import java.util.ArrayList;
import java.util.List;

/** What a {@link MeasureEnvironment} closes at its end: in reverse order, every one even if some fail. */
public final class MeasureResources {
  private final List<AutoCloseable> resources = new ArrayList<>();

  public synchronized void add(AutoCloseable resource) {
    resources.add(resource);
  }

  /** Closes all added so far; the first failure is thrown, naming {@code whose}, the others suppressed. */
  public void closeAll(String whose) {
    List<AutoCloseable> all;
    synchronized (this) {
      all = new ArrayList<>(resources);
      resources.clear();
    }
    PodgateException failure = null;
    for (int i = all.size() - 1; i >= 0; i--) {
      try {
        all.get(i).close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new PodgateException("closing " + whose + " failed: " + e.getMessage(), e);
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
