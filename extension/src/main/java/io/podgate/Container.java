package io.podgate;

import java.time.Duration;

/** A container of a {@link Pod}. */
public interface Container {
  /** CRI container id. */
  String id();

  String name();

  /** The image reference as declared. */
  String image();

  /** Runs a command in the container (timeout 60 s) and returns its exit code and output. */
  ExecResult exec(String... command);

  ExecResult exec(Duration timeout, String... command);

  /** The container's output so far, from its CRI log file, one line per log entry. */
  String logs();

  ContainerState status();
}
