package io.podgate.measure;

/** Outcome of a gate. */
public enum Verdict {
  /** The whole confidence interval of the overhead lies at or below the threshold. */
  PASS,
  /** The whole confidence interval lies above the threshold. */
  FAIL,
  /** The interval still straddled the threshold when the round or time budget ran out. */
  INCONCLUSIVE,
  /** A plain comparison with no threshold: figures only. */
  UNGATED
}
