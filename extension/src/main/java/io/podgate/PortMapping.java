package io.podgate;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A container port of a pod published on the host. */
@Target({})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface PortMapping {
  int containerPort();

  /** Host port; 0 picks a free one (read it back with {@link Pod#hostPort(int)}). */
  int hostPort() default 0;

  String hostIp() default "127.0.0.1";

  Protocol protocol() default Protocol.TCP;

  /** Transport protocol of a mapping, numbered as in CRI. */
  enum Protocol {
    TCP,
    UDP,
    SCTP
  }
}
