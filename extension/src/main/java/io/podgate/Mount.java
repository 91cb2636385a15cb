package io.podgate;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A host path bind-mounted into a container. */
@Target({})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Mount {
  String hostPath();

  String containerPath();

  boolean readOnly() default false;
}
