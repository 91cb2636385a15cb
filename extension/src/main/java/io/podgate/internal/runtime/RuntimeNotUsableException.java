package io.podgate.internal.runtime;

import io.podgate.PodgateException;

/**
 * A configured runtime answers but cannot serve podgate as it is (not ready, a needed image
 * missing); the message is complete: what the runtime said, and what to do.
 */
public final class RuntimeNotUsableException extends PodgateException {
  public RuntimeNotUsableException(String message) {
    super(message);
  }

  public RuntimeNotUsableException(String message, Throwable cause) {
    super(message, cause);
  }
}
