/**
 * podgate on Kubernetes: with this jar on the test class path, {@code -Dpodgate.backend=kubernetes}
 * runs the same annotated tests on a cluster named by a kubeconfig, and {@code local-cluster} on one
 * podgate starts itself. Nothing here is called by test code directly.
 */
package io.podgate.kubernetes;
