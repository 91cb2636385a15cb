package io.podgate.testsupport;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * The test needs root and a real containerd (or another root-only host feature: network namespaces,
 * bridges, iptables, chroot, host nginx workers). {@code mvn test -DexcludedGroups=containerd} leaves
 * these out and runs the rest without root; the normal build runs everything.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("containerd")
public @interface RequiresContainerd {}
