package io.podgate.internal.cri;

/** Outcome of ExecSync: the command's exit code and its captured output (UTF-8). */
public record ExecResult(int exitCode, String stdout, String stderr) {
  public boolean succeeded() {
    return exitCode == 0;
  }
}
