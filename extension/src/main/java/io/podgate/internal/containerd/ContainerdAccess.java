package io.podgate.internal.containerd;

import io.grpc.ManagedChannel;

/**
 * containerd's own gRPC API (containers, tasks, snapshots, ...), a capability a backend offers
 * ({@code backend.capability(ContainerdAccess.class)}) only when its runtime is containerd: embedded, or
 * an endpoint whose CRI Version names containerd. The channel is the one the CRI client uses (containerd
 * serves both on one socket).
 *
 * @param channel the socket's channel (owned by the backend: do not shut it down)
 * @param endpoint where it is, for messages
 */
public record ContainerdAccess(ManagedChannel channel, String endpoint) {}
