package io.podgate;

/**
 * The node a pod runs on when its class declares {@link PodgateNodes}: the node's name, its address
 * (the node IP on the switch, or the address given for a remote node) and its pod subnet (CIDR).
 */
public record NodeInfo(String name, String address, String podSubnet) {}
