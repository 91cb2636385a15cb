package io.podgate.bench;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** What WaitDriverTest runs to see a failure recorded: it always fails. */
@Order(2)
class WaitDriverFailingSampleClass {
  @Test
  void fails() {
    throw new AssertionError("failing on purpose");
  }
}
