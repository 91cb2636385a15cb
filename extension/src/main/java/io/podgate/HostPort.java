package io.podgate;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Injects the host port a pod's container port is published on into an {@code int} field or parameter. */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface HostPort {
  /** The pod's name or the name of its field or parameter. */
  String pod();

  int containerPort();

  PortMapping.Protocol protocol() default PortMapping.Protocol.TCP;
}
