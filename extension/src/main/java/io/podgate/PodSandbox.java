package io.podgate;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A pod (CRI pod sandbox) to create for a field or parameter of type {@link Pod}. Its containers
 * are declared with {@link CriContainer} on the same element or on {@link Container} fields.
 *
 * <p>A static field gets one pod per test class; an instance field or a parameter gets one pod per
 * test method; {@link Scope#SUITE} shares one pod among all test classes of the run.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface PodSandbox {
  /** Pod name; defaults to the name in {@link #config()}, else the field or parameter name. */
  String name() default "";

  /** Pod namespace; defaults to the one in {@link #config()}, else {@code default}. */
  String namespace() default "";

  /** Labels as {@code key=value}. */
  String[] labels() default {};

  /** Annotations as {@code key=value}. */
  String[] annotations() default {};

  String hostname() default "";

  /** Directory containerd writes container logs to; defaults to a directory of the session. */
  String logDirectory() default "";

  String[] dnsServers() default {};

  String[] dnsSearches() default {};

  String[] dnsOptions() default {};

  /** Ports published on the host; they replace mappings of the same container port in {@link #config()}. */
  PortMapping[] ports() default {};

  /**
   * crictl-style pod sandbox JSON (snake_case fields of CRI {@code PodSandboxConfig}), as a
   * classpath resource or a file path. Attributes set on this annotation override its values.
   */
  String config() default "";

  /**
   * One PID namespace for all containers of the pod, as Kubernetes' {@code shareProcessNamespace}:
   * each container then sees the others' processes, and the pause process is PID 1. Default: each
   * container has its own PID namespace (Kubernetes' default). A container's own JSON config may
   * still set {@code linux.security_context.namespace_options.pid}.
   */
  boolean shareProcessNamespace() default false;

  Scope scope() default Scope.DEFAULT;

  /**
   * The node of the class's {@link PodgateNodes} to run the pod on; empty: the default runtime.
   * Cannot be combined with {@link Scope#SUITE}.
   */
  String node() default "";

  /**
   * Keeps this pod on a different node from every other pod with the same value (a group name: a Kubernetes
   * label value, at most 63 letters, digits, '-', '_', '.', starting and ending alphanumeric). Empty: no
   * constraint. It is Kubernetes' required pod anti-affinity: the pods carry the label
   * {@code io.podgate.apart=<group>}, and on the {@code kubernetes} and {@code local-cluster} backends each gets
   * {@code podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution} with topology key
   * {@code kubernetes.io/hostname} selecting that label, so the scheduler never puts two of them on one node; a pod
   * it cannot place fails when its wait times out, quoting the scheduler's event. The group spans the session's
   * pods that exist at the same time, whichever class declared them: use distinct names in classes that run in
   * parallel.
   *
   * <p>On the CRI backends ({@code embedded}, {@code cri}) there is no scheduler: pods without {@link #node()}
   * share the one default runtime, so at most one pod of a group may go without {@link #node()} and the others
   * must be pinned to distinct {@link PodgateNodes} nodes. Before anything is created, a test class whose pods
   * of one group (its fields, those of the classes it is nested in, and the parameters of one method) would
   * share a node or the default runtime fails with a {@code PodgateException} naming both declarations; on a
   * cluster, two pods of a group pinned to the same node fail the same way. Cannot be combined with
   * {@link Scope#SUITE}.
   */
  String apart() default "";

  /** How long a pod lives. */
  enum Scope {
    /** Static field: one pod per test class. Instance field or parameter: one pod per test method. */
    DEFAULT,
    /** One pod for the whole run, shared by every class that declares it by the same name. */
    SUITE
  }
}
