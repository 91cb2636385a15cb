package io.podgate;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Nodes for the pods of a {@link Podgate} test class, like two machines with their own container
 * runtime and pod subnet whose pods reach each other with their real addresses (docs/nodes.md).
 * podgate builds them once before the class's first test and removes them (pods, daemons, network
 * namespaces, links, routes) after its last. A pod goes to a node with {@link PodSandbox#node()};
 * pods without one use the default runtime as before. Nested classes use the nodes of the enclosing
 * class that declares them.
 *
 * <pre>{@code
 * @Podgate
 * @PodgateNodes({@PodgateNode(name = "a4", podSubnet = "10.14.0.0/16"),
 *               @PodgateNode(name = "a5", podSubnet = "10.15.0.0/16")})
 * class CrossNodeTest {
 *   @PodSandbox(node = "a5") @CriContainer(image = "podgate:nginx") static Pod server;
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface PodgateNodes {
  PodgateNode[] value();

  /** Host bridge joining the local nodes (at most 15 characters); default {@code pgnsw0}. */
  String switchBridge() default "";

  /** Network of the switch: the host takes its first address, local nodes the next; default {@code 198.18.0.0/24}. */
  String switchSubnet() default "";

  /** Prefix of the nodes' network namespace names; default {@code pgn-}. */
  String netnsPrefix() default "";

  /** Prefix of the nodes' host-side link names; default {@code pgn}. */
  String linkPrefix() default "";
}
