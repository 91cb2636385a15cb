package io.podgate.internal.pod;

import io.podgate.internal.cri.CriClient;

/**
 * Raw CRI access, a capability of the CRI backend ({@code backend.capability(CriAccess.class)}) for
 * what is CRI by nature, e.g. churn measurements that create CRI containers themselves.
 *
 * @param client the runtime's CRI client (owned by the backend: do not close it)
 * @param runtime what the runtime is, for messages
 */
public record CriAccess(CriClient client, String runtime) {}
