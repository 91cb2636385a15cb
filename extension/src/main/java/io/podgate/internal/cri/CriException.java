package io.podgate.internal.cri;

import io.grpc.Status;
import io.podgate.PodgateException;

/** A CRI call that failed: names the operation, its subject, the endpoint and the runtime's answer. */
public final class CriException extends PodgateException {
  private final String operation;
  private final String subject;
  private final String endpoint;
  private final transient Status status;

  CriException(String operation, String subject, String endpoint, Status status, String message, Throwable cause) {
    super(message, cause);
    this.operation = operation;
    this.subject = subject;
    this.endpoint = endpoint;
    this.status = status;
  }

  /** The CRI RPC name, e.g. {@code RunPodSandbox}. */
  public String operation() {
    return operation;
  }

  /** What the call was about (pod/container id or name, image reference), or empty. */
  public String subject() {
    return subject;
  }

  public String endpoint() {
    return endpoint;
  }

  /** The gRPC status the runtime (or the channel) answered with. */
  public Status status() {
    return status;
  }

  public Status.Code code() {
    return status.getCode();
  }
}
