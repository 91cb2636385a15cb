package io.podgate.internal.pod;

import io.podgate.PodgateException;

/** A declared pod or container is wrong; the message names where it was declared and what to fix. */
public class PodSpecException extends PodgateException {
  public PodSpecException(String origin, String problem) {
    super(origin + ": " + problem);
  }

  public PodSpecException(String origin, String problem, Throwable cause) {
    super(origin + ": " + problem, cause);
  }
}
