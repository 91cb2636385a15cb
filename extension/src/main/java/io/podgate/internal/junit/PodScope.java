package io.podgate.internal.junit;

import io.podgate.PodgateException;
import io.podgate.internal.backend.PodHandle;
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
  private final List<PodHandle> owned = new ArrayList<>();
  private final Map<String, PodHandle> byName = new HashMap<>();

  synchronized void own(PodHandle pod, String... names) {
    owned.add(pod);
    alias(pod, names);
  }

  synchronized void alias(PodHandle pod, String... names) {
    byName.put(pod.name(), pod);
    for (String n : names) {
      byName.put(n, pod);
    }
  }

  synchronized PodHandle find(String name) {
    return byName.get(name);
  }

  synchronized List<String> names() {
    return new ArrayList<>(byName.keySet());
  }

  /** Whether it owns no pod (closing it would do nothing). */
  synchronized boolean isEmpty() {
    return owned.isEmpty();
  }

  /** Every pod of this scope once, whatever its names. */
  synchronized List<PodHandle> pods() {
    return new ArrayList<>(new java.util.LinkedHashSet<>(byName.values()));
  }

  /** The shared pod of that name, created once by {@code create} under this scope's lock. */
  synchronized PodHandle shared(String name, Supplier<PodHandle> create) {
    PodHandle pod = byName.get(name);
    if (pod == null) {
      pod = create.get();
      own(pod, name);
    }
    return pod;
  }

  /** Tells its pods that they are about to be removed on another thread (see {@link PodHandle#closing()}). */
  synchronized void closing() {
    owned.forEach(PodHandle::closing);
  }

  /**
   * Hands the removal of the pods that allow it to a process outliving this JVM ({@link PodHandle#handOff()});
   * they leave this scope. Returns true when all of them were handed off: nothing is left for {@link #close()}.
   */
  synchronized boolean handOff() {
    List<PodHandle> gone = new ArrayList<>();
    for (PodHandle p : owned) {
      if (p.handOff()) {
        gone.add(p);
      }
    }
    owned.removeAll(gone);
    byName.values().removeAll(gone);
    return owned.isEmpty();
  }

  @Override
  public void close() {
    List<PodHandle> toClose;
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
