package io.podgate.internal.junit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * Keeps the logs of the pods a failing test or lifecycle method could see ({@link FailureLogs}), before
 * teardown removes the pods and their logs with them. Rethrows the failure.
 */
public final class FailureLogsExtension implements TestExecutionExceptionHandler,
    LifecycleMethodExecutionExceptionHandler {

  @Override
  public void handleTestExecutionException(ExtensionContext ctx, Throwable failure) throws Throwable {
    throw withPodLogs(ctx, failure);
  }

  @Override
  public void handleBeforeAllMethodExecutionException(ExtensionContext ctx, Throwable failure) throws Throwable {
    throw withPodLogs(ctx, failure);
  }

  @Override
  public void handleBeforeEachMethodExecutionException(ExtensionContext ctx, Throwable failure) throws Throwable {
    throw withPodLogs(ctx, failure);
  }

  @Override
  public void handleAfterEachMethodExecutionException(ExtensionContext ctx, Throwable failure) throws Throwable {
    throw withPodLogs(ctx, failure);
  }

  @Override
  public void handleAfterAllMethodExecutionException(ExtensionContext ctx, Throwable failure) throws Throwable {
    throw withPodLogs(ctx, failure);
  }

  private static Throwable withPodLogs(ExtensionContext ctx, Throwable failure) {
    if (failure instanceof TestAbortedException) {
      return failure; // an assumption, not a failure
    }
    try {
      FailureLogs.attach(ctx.getUniqueId(), PodStores.visiblePods(ctx), failure, ctx::publishReportEntry);
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
    return failure;
  }
}
