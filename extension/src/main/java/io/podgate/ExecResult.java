package io.podgate;

/** Outcome of {@link Container#exec(String...)}. */
public record ExecResult(int exitCode, String stdout, String stderr) {
  public boolean succeeded() {
    return exitCode == 0;
  }
}
