package io.podgate.internal.junit;

import io.podgate.internal.measure.api.MeasureInternals;
import io.podgate.measure.Measure;
import io.podgate.measure.PodgateReport;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves {@link Measure} and {@link PodgateReport} parameters (one environment per test, or per class
 * for a @BeforeAll parameter) and writes the run's report files after each class, so an aborted run
 * still leaves what it measured.
 */
public final class MeasureExtension implements ParameterResolver, AfterAllCallback {

  @Override
  public boolean supportsParameter(ParameterContext pc, ExtensionContext ctx) {
    Class<?> type = pc.getParameter().getType();
    return type == Measure.class || type == PodgateReport.class;
  }

  @Override
  public Object resolveParameter(ParameterContext pc, ExtensionContext ctx) {
    if (pc.getParameter().getType() == PodgateReport.class) {
      return environment(ctx).report();
    }
    return MeasureInternals.access().measure(environment(ctx));
  }

  /** Runs after podgate's pod teardown of the class (extensions registered earlier run their afterAll later). */
  @Override
  public void afterAll(ExtensionContext ctx) {
    runReport(ctx).write();
  }

  private static RunReport runReport(ExtensionContext ctx) {
    return ctx.getRoot().getStore(PodStores.NS).getOrComputeIfAbsent(RunReport.class, k -> new RunReport(),
        RunReport.class);
  }

  /** The test's (or, for a @BeforeAll parameter, the class's) report and measurement environment. */
  private static TestMeasureEnvironment environment(ExtensionContext ctx) {
    return ctx.getStore(PodStores.NS).getOrComputeIfAbsent("measure-env:" + ctx.getUniqueId(), k -> {
      PodgateReport report = runReport(ctx).forTest(ctx.getUniqueId(), ctx.getDisplayName(), ctx::publishReportEntry);
      return new TestMeasureEnvironment(() -> PodStores.backend(ctx), report);
    }, TestMeasureEnvironment.class);
  }
}
