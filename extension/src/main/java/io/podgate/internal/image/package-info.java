/**
 * Images without a registry: {@link io.podgate.internal.image.HostImageBuilder} turns host binaries
 * into reproducible OCI image-layout tars, {@link io.podgate.internal.image.StandardImages} keeps
 * the ready-made ones (pause, busybox, nginx, debug) in a cache, and
 * {@link io.podgate.internal.image.OciArchiveImporter} writes such a tar into containerd's content
 * and images services (namespace k8s.io), where the CRI plugin sees it at once.
 */
package io.podgate.internal.image;
