package io.podgate.internal.backend;

import io.podgate.Container;
import io.podgate.ExecResult;
import java.time.Duration;
import java.util.List;

/** A container a backend created, with what measurement engines need beyond {@link Container}. */
public interface ContainerHandle extends Container {

  /** The pod this container runs in. */
  PodHandle pod();

  /** Where the container was declared, for messages. */
  String origin();

  /**
   * Runs {@code command} in the container and waits up to {@code timeout} for it to end.
   *
   * @throws ExecFailure when the command could not run to its end, with the reason (timed out,
   *     no such executable, container gone, other)
   */
  ExecResult run(List<String> command, Duration timeout);
}
