package io.podgate.internal.pod;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** Cached thread pools of daemon threads named {@code <prefix>-1, -2, ...}: they never keep a test JVM alive. */
public final class DaemonPools {
  private DaemonPools() {}

  public static ExecutorService cached(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }
}
