package io.podgate.internal.measure.iperf;

import io.podgate.PodgateException;

/** The command's executable does not exist where the runner looked for it. */
public class CommandNotFoundException extends PodgateException {
  public CommandNotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
