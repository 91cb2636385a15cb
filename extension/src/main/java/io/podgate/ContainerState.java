package io.podgate;

/** What CRI reports about a container. {@code exitCode} and {@code reason} matter once it exited. */
public record ContainerState(State state, int exitCode, String reason) {
  /** CRI container states. */
  public enum State {
    CREATED,
    RUNNING,
    EXITED,
    UNKNOWN
  }

  public boolean running() {
    return state == State.RUNNING;
  }
}
