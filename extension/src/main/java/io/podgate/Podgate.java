package io.podgate;

import io.podgate.internal.junit.FailureLogsExtension;
import io.podgate.internal.junit.MeasureExtension;
import io.podgate.internal.junit.PodLifecycleExtension;
import io.podgate.internal.junit.RuntimeCondition;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Turns on podgate for a test class: fields and parameters annotated with {@link PodSandbox},
 * {@link CriContainer}, {@link PodIp} and {@link HostPort} get real pods on containerd.
 *
 * <p>The runtime is the CRI endpoint named by system property {@code podgate.cri.endpoint} (or
 * environment variable {@code PODGATE_CRI_ENDPOINT}); without one, podgate starts one private
 * containerd per JVM (bridge {@code podgate.bridge}, default {@code podgate0}; pod subnet
 * {@code podgate.subnet}, default {@code 10.88.0.0/16}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
// Order matters: after-callbacks run in reverse, so pods are removed before the run report is written.
@ExtendWith({RuntimeCondition.class, MeasureExtension.class, PodLifecycleExtension.class, FailureLogsExtension.class})
public @interface Podgate {
  /**
   * When no runtime can be had (no endpoint and containerd cannot be started), skip the tests of
   * this class with the reason instead of failing them.
   */
  boolean disabledWithoutRuntime() default false;
}
