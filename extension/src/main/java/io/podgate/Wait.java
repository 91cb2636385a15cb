package io.podgate;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Readiness of a container: every condition set must hold. With none set the container is ready
 * once it runs.
 */
@Target({})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Wait {
  /** TCP port that accepts connections on the pod IP; 0 for none. */
  int tcpPort() default 0;

  /** HTTP path that answers {@link #httpStatus()} on the pod IP; empty for none. */
  String httpPath() default "";

  /** Port of {@link #httpPath()}; 0 means {@link #tcpPort()} if set, else 80. */
  int httpPort() default 0;

  int httpStatus() default 200;

  /** Regular expression a line of the container's log must match; empty for none. */
  String logRegex() default "";

  /** Command run in the container that must exit 0; empty for none. */
  String[] exec() default {};

  long timeoutSeconds() default 60;
}
