package io.podgate;

import java.time.Duration;
import java.util.List;

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

  /**
   * The container's output so far, from its CRI log file: the text of each of {@link #logEntries()}, joined by
   * {@code '\n'} (no newline after the last one; empty if it wrote nothing yet).
   *
   * @throws PodgateException if the log file exists but cannot be read
   */
  String logs();

  /**
   * The container's output so far, from its CRI log file, one {@link LogEntry} per line it wrote to stdout or
   * stderr, in the order the entries began (see {@link LogEntry#time()}). The two outputs are never mixed within
   * an entry. Empty if the container wrote nothing yet.
   *
   * @throws PodgateException if the log file exists but cannot be read
   */
  List<LogEntry> logEntries();

  ContainerState status();
}
