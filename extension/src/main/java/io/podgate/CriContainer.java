package io.podgate;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A container of a pod. Put it (repeatedly) on a {@link PodSandbox} field or parameter, or on a
 * field of type {@link Container} together with {@link #pod()}.
 *
 * <p>Images: {@code podgate:pause}, {@code podgate:busybox}, {@code podgate:nginx},
 * {@code podgate:debug} (built from host binaries), {@code oci-archive:/path/to/image.tar}, or a
 * registry reference pulled through CRI.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Repeatable(CriContainers.class)
public @interface CriContainer {
  /** Name of the pod ({@link PodSandbox#name()} or its field name); only on {@link Container} fields. */
  String pod() default "";

  /** Container name, unique in its pod; defaults to the {@link Container} field name, else the image name. */
  String name() default "";

  String image() default "";

  /** Replaces the image's entrypoint. */
  String[] command() default {};

  /** Replaces the image's cmd. */
  String[] args() default {};

  /** Environment as {@code KEY=value}. */
  String[] env() default {};

  String workingDir() default "";

  Mount[] mounts() default {};

  boolean privileged() default false;

  /** Memory limit in bytes; 0 means none. */
  long memoryLimit() default 0;

  /** crictl-style container JSON (CRI {@code ContainerConfig}); attributes set here override it. */
  String config() default "";

  /**
   * When the container counts as ready; by default once it runs. (Named {@code waitFor} because
   * an annotation attribute cannot be called {@code wait}: {@code Object.wait()} is final.)
   */
  Wait waitFor() default @Wait;
}
