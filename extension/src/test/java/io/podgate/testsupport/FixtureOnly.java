package io.podgate.testsupport;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Keeps fixture classes from running except under {@link Fixtures#run}. */
public final class FixtureOnly implements ExecutionCondition {
  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext ctx) {
    return ctx.getConfigurationParameter(Fixtures.FLAG).isPresent()
        ? ConditionEvaluationResult.enabled("run by EngineTestKit")
        : ConditionEvaluationResult.disabled("fixture: only run through EngineTestKit");
  }
}
