package io.podgate.internal.measure.churn;

import io.podgate.measure.ChurnOptions;
import io.podgate.measure.ChurnResult;

/**
 * A backend capability: churn of whole pods through a cluster's API ({@link ChurnOptions.Path#POD_API}). A
 * backend that offers it runs its pods through such an API and has no raw CRI access of its own.
 */
public interface PodApiChurn {
  /**
   * Runs the churn described by {@code options}; everything it created is gone when it returns or throws.
   *
   * @throws io.podgate.PodgateException when the run cannot start, is interrupted, or cannot clean up
   */
  ChurnResult run(ChurnOptions options);
}
