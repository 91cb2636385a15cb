package io.podgate.internal.junit;

import io.podgate.Podgate;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Skips a class with {@code @Podgate(disabledWithoutRuntime = true)} when no backend can be had. */
public final class RuntimeCondition implements ExecutionCondition {

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext ctx) {
    if (ctx.getTestClass().isEmpty() || ctx.getTestMethod().isPresent()) {
      return ConditionEvaluationResult.enabled("podgate decides per class");
    }
    BackendHolder h = PodStores.holder(ctx);
    if (h.failed() && disabledWithoutRuntime(ctx.getRequiredTestClass())) {
      return ConditionEvaluationResult.disabled("podgate: no container runtime, tests skipped "
          + "(@Podgate(disabledWithoutRuntime = true)): " + h.failureMessage());
    }
    return ConditionEvaluationResult.enabled("podgate runtime available or failures requested");
  }

  private static boolean disabledWithoutRuntime(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
      Podgate p = c.getAnnotation(Podgate.class);
      if (p != null) {
        return p.disabledWithoutRuntime();
      }
    }
    return false;
  }
}
