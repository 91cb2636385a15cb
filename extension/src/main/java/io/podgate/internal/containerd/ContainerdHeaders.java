package io.podgate.internal.containerd;

import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;

/** gRPC metadata containerd reads on every call: the namespace and, optionally, a lease. */
public final class ContainerdHeaders {
  /** The namespace the CRI plugin keeps its images, containers and sandboxes in. */
  public static final String K8S_NAMESPACE = "k8s.io";

  public static final Metadata.Key<String> NAMESPACE =
      Metadata.Key.of("containerd-namespace", Metadata.ASCII_STRING_MARSHALLER);
  public static final Metadata.Key<String> LEASE =
      Metadata.Key.of("containerd-lease", Metadata.ASCII_STRING_MARSHALLER);

  private ContainerdHeaders() {}

  public static ClientInterceptor namespace(String namespace) {
    Metadata headers = new Metadata();
    headers.put(NAMESPACE, namespace);
    return MetadataUtils.newAttachHeadersInterceptor(headers);
  }

  /** Namespace plus lease: content written under it is safe from garbage collection until the lease goes. */
  public static ClientInterceptor namespaceAndLease(String namespace, String leaseId) {
    Metadata headers = new Metadata();
    headers.put(NAMESPACE, namespace);
    headers.put(LEASE, leaseId);
    return MetadataUtils.newAttachHeadersInterceptor(headers);
  }
}
