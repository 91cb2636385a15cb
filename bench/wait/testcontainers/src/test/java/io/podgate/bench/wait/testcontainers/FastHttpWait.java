package io.podgate.bench.wait.testcontainers;

import java.time.Duration;
import org.testcontainers.containers.wait.strategy.WaitStrategy;
import org.testcontainers.containers.wait.strategy.WaitStrategyTarget;

/**
 * An HTTP readiness wait polling every 10 ms on the mapped port: Testcontainers' own strategies share
 * a JVM-wide limit of one probe a second, which a user who knows it replaces like this.
 */
final class FastHttpWait implements WaitStrategy {
  private Duration timeout = Duration.ofSeconds(60);

  @Override
  public void waitUntilReady(WaitStrategyTarget target) {
    long end = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        Http.get200(target.getHost(), target.getMappedPort(80));
        return;
      } catch (Exception | AssertionError e) {
        if (System.nanoTime() > end) {
          throw new IllegalStateException("nginx not ready within " + timeout, e);
        }
        try {
          Thread.sleep(10);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(ie);
        }
      }
    }
  }

  @Override
  public WaitStrategy withStartupTimeout(Duration startupTimeout) {
    this.timeout = startupTimeout;
    return this;
  }
}
