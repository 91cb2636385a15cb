package io.podgate.bench;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** What WaitDriverTest runs through the driver: two tests, one says when it was ready. */
@Order(1)
class WaitDriverSampleClass {
  @Test
  void first() throws InterruptedException {
    Thread.sleep(5);
    java.time.Instant now = java.time.Instant.now();
    System.setProperty(WaitDriver.READY_PROPERTY_PREFIX + getClass().getName(),
        Long.toString(now.getEpochSecond() * 1_000_000L + now.getNano() / 1000));
  }

  @Test
  void second() {}
}
