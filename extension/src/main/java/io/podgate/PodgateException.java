package io.podgate;

/** Base of every failure podgate reports: the message says what was tried and what to do next. */
public class PodgateException extends RuntimeException {
  public PodgateException(String message) {
    super(message);
  }

  public PodgateException(String message, Throwable cause) {
    super(message, cause);
  }
}
