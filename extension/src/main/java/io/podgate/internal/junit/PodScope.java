package io.podgate.internal.junit;

import io.podgate.PodgateException;
import io.podgate.internal.pod.RunningPod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Pods of one extension context (a test method, a class, or the whole run), found by field,
 * parameter or pod name. Closing it removes the pods it owns in reverse creation order; every pod
 * is tried, and the first failure is thrown with the others suppressed.
 */
@SuppressWarnings("deprecation")
final class PodScope implements ExtensionContext.Store.CloseableResource, AutoCloseable {
  private final List<RunningPod> owned = new ArrayList<>();
  private final Map<String, RunningPod> byName = new HashMap<>();

  synchronized void own(RunningPod pod, String... names) {
    owned.add(pod);
    alias(pod, names);
  }

  synchronized void alias(RunningPod pod, String... names) {
    byName.put(pod.name(), pod);
    for (String n : names) {
      byName.put(n, pod);
    }
  }

  synchronized RunningPod find(String name) {
    return byName.get(name);
  }

  synchronized List<String> names() {
    return new ArrayList<>(byName.keySet());
  }

  /** Every pod of this scope once, whatever its names. */
  synchronized List<RunningPod> pods() {
    return new ArrayList<>(new java.util.LinkedHashSet<>(byName.values()));
  }

  /** The shared pod of that name, created once by {@code create} under this scope's lock. */
  synchronized RunningPod shared(String name, Supplier<RunningPod> create) {
    RunningPod pod = byName.get(name);
    if (pod == null) {
      pod = create.get();
      own(pod, name);
    }
    return pod;
  }

  @Override
  public void close() {
    List<RunningPod> toClose;
    synchronized (this) {
      toClose = new ArrayList<>(owned);
      owned.clear();
      byName.clear();
    }
    PodgateException failure = null;
    for (int i = toClose.size() - 1; i >= 0; i--) {
      try {
        toClose.get(i).close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = new PodgateException("tearing down pods failed: " + e.getMessage(), e);
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
