package io.podgate.measure;

/** A gate that did not pass (FAIL or INCONCLUSIVE); the message carries every figure. */
public class GateFailedError extends AssertionError {
  private final transient ComparisonResult result;

  public GateFailedError(String message, ComparisonResult result) {
    super(message);
    this.result = result;
  }

  public ComparisonResult result() {
    return result;
  }
}
