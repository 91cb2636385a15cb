package io.podgate;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * One node of {@link PodgateNodes}. Without {@link #endpoint()} podgate creates it on this machine: a
 * network namespace with its own containerd whose pods get addresses of {@link #podSubnet()}. With an
 * endpoint it is a remote node: an existing CRI runtime (e.g. a socket forwarded from another machine)
 * where podgate creates nothing but pods and the images they need.
 */
@Target({})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface PodgateNode {
  /** Node name, referred to by {@link PodSandbox#node()}: lowercase letters, digits, '-' (at most 16). */
  String name();

  /** The node's pod subnet, e.g. {@code 10.14.0.0/16}; must not overlap other nodes or host routes. */
  String podSubnet();

  /** CRI endpoint {@code unix:///path} of a remote node; empty for a node podgate creates. */
  String endpoint() default "";

  /**
   * Node address: required for a remote node; for a local node an address on the switch subnet
   * (default: the next free one).
   */
  String address() default "";
}
