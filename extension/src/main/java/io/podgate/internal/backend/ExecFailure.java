package io.podgate.internal.backend;

import io.podgate.PodgateException;

/** An exec that did not run to its end, with a reason callers can act on whatever the backend. */
public final class ExecFailure extends PodgateException {
  /** Why the exec failed. */
  public enum Reason {
    /** The command outlived its timeout and was ended. */
    TIMED_OUT,
    /** The command's executable is not in the container. */
    NO_SUCH_EXECUTABLE,
    /** The container (or its pod) is gone. */
    NO_SUCH_CONTAINER,
    /** Anything else; the message says what. */
    OTHER
  }

  private final Reason reason;

  public ExecFailure(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
