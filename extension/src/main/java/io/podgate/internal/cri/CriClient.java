package io.podgate.internal.cri;

import io.podgate.ExecResult;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.podgate.internal.cri.v1.AuthConfig;
import io.podgate.internal.cri.v1.Container;
import io.podgate.internal.cri.v1.ContainerConfig;
import io.podgate.internal.cri.v1.ContainerFilter;
import io.podgate.internal.cri.v1.ContainerStats;
import io.podgate.internal.cri.v1.ContainerStatsFilter;
import io.podgate.internal.cri.v1.ContainerStatsRequest;
import io.podgate.internal.cri.v1.ContainerStatusRequest;
import io.podgate.internal.cri.v1.ContainerStatusResponse;
import io.podgate.internal.cri.v1.CreateContainerRequest;
import io.podgate.internal.cri.v1.ExecSyncRequest;
import io.podgate.internal.cri.v1.ExecSyncResponse;
import io.podgate.internal.cri.v1.Image;
import io.podgate.internal.cri.v1.ImageFilter;
import io.podgate.internal.cri.v1.ImageServiceGrpc;
import io.podgate.internal.cri.v1.ImageSpec;
import io.podgate.internal.cri.v1.ImageStatusRequest;
import io.podgate.internal.cri.v1.ListContainerStatsRequest;
import io.podgate.internal.cri.v1.ListContainersRequest;
import io.podgate.internal.cri.v1.ListImagesRequest;
import io.podgate.internal.cri.v1.ListPodSandboxRequest;
import io.podgate.internal.cri.v1.PodSandbox;
import io.podgate.internal.cri.v1.PodSandboxConfig;
import io.podgate.internal.cri.v1.PodSandboxFilter;
import io.podgate.internal.cri.v1.PodSandboxStatusRequest;
import io.podgate.internal.cri.v1.PodSandboxStatusResponse;
import io.podgate.internal.cri.v1.PullImageRequest;
import io.podgate.internal.cri.v1.RemoveContainerRequest;
import io.podgate.internal.cri.v1.RemoveImageRequest;
import io.podgate.internal.cri.v1.RemovePodSandboxRequest;
import io.podgate.internal.cri.v1.ReopenContainerLogRequest;
import io.podgate.internal.cri.v1.RunPodSandboxRequest;
import io.podgate.internal.cri.v1.RuntimeCondition;
import io.podgate.internal.cri.v1.RuntimeServiceGrpc;
import io.podgate.internal.cri.v1.StartContainerRequest;
import io.podgate.internal.cri.v1.StatusRequest;
import io.podgate.internal.cri.v1.StatusResponse;
import io.podgate.internal.cri.v1.StopContainerRequest;
import io.podgate.internal.cri.v1.StopPodSandboxRequest;
import io.podgate.internal.cri.v1.VersionRequest;
import io.podgate.internal.cri.v1.VersionResponse;
import io.podgate.internal.grpc.RelayChannel;
import io.podgate.internal.grpc.UnixSocketChannels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Typed client for a CRI runtime ({@code runtime.v1}). Every call carries a deadline (a default per
 * operation, or the one given to {@link #withDeadline(Duration)}), and every failure is a {@link
 * CriException} naming the operation, its subject, the endpoint and the runtime's status. Registry
 * credentials never appear in any message.
 */
public final class CriClient implements AutoCloseable {
  /** Default deadline of each operation; anything not listed uses {@link #FALLBACK_DEADLINE}. */
  public static final Map<String, Duration> DEFAULT_DEADLINES =
      Map.ofEntries(
          Map.entry("Version", Duration.ofSeconds(10)),
          Map.entry("Status", Duration.ofSeconds(10)),
          Map.entry("RunPodSandbox", Duration.ofMinutes(2)),
          Map.entry("StopPodSandbox", Duration.ofMinutes(1)),
          Map.entry("RemovePodSandbox", Duration.ofMinutes(1)),
          Map.entry("CreateContainer", Duration.ofMinutes(2)),
          Map.entry("StartContainer", Duration.ofMinutes(1)),
          Map.entry("PullImage", Duration.ofMinutes(10)),
          Map.entry("RemoveImage", Duration.ofMinutes(1)));

  public static final Duration FALLBACK_DEADLINE = Duration.ofSeconds(30);
  /** Time ExecSync's gRPC deadline allows beyond the command's own timeout. */
  public static final Duration EXEC_GRACE = Duration.ofSeconds(15);

  private final ManagedChannel channel;
  private final String endpoint;
  /** What {@link #close()} shuts down: the channel this client made, or nothing. */
  private final Runnable owned;
  private final Duration deadlineOverride;

  /** Uses {@code channel} as is; {@link #close()} does not shut it down (its owner does). */
  public CriClient(ManagedChannel channel, String endpointDescription) {
    this(channel, endpointDescription, null, null);
  }

  private CriClient(ManagedChannel channel, String endpoint, Runnable owned, Duration deadlineOverride) {
    this.channel = Objects.requireNonNull(channel, "channel");
    this.endpoint = Objects.requireNonNull(endpoint, "endpointDescription");
    this.owned = owned;
    this.deadlineOverride = deadlineOverride;
  }

  /** Opens a client over the unix socket {@code socket}; {@link #close()} closes that channel. */
  public static CriClient connect(Path socket) {
    UnixSocketChannels channels = UnixSocketChannels.open(socket);
    return new CriClient(channels.channel(), "unix://" + socket, channels::close, null);
  }

  /**
   * A client of the containerd at {@code socket} whose unary calls the runtime keeper listening on
   * {@code relay} makes ({@link RelayChannel}); a plain {@link #connect(Path)} when no keeper answers there.
   */
  public static CriClient connectThroughKeeper(Path relay, Path socket) {
    Optional<RelayChannel> ch = RelayChannel.open(relay, () -> UnixSocketChannels.open(socket),
        direct -> RuntimeServiceGrpc.newBlockingStub(direct).withDeadlineAfter(10, TimeUnit.SECONDS)
            .version(VersionRequest.newBuilder().setVersion("v1").build()));
    if (ch.isEmpty()) {
      return connect(socket);
    }
    return new CriClient(ch.get(), "unix://" + socket, ch.get()::shutdown, null);
  }

  /** A view sharing this client's channel in which every call uses {@code deadline}; closing it is a no-op. */
  public CriClient withDeadline(Duration deadline) {
    if (deadline == null || deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("CRI deadline must be positive, got " + deadline);
    }
    return new CriClient(channel, endpoint, null, deadline);
  }

  /** The gRPC channel, for other services (e.g. containerd content/images) on the same socket. */
  public ManagedChannel channel() {
    return channel;
  }

  /** Where this client talks to, e.g. {@code unix:///tmp/x/containerd.sock}. */
  public String endpoint() {
    return endpoint;
  }

  // ---- runtime ----

  public VersionResponse version() {
    return runtime("Version", "", s -> s.version(VersionRequest.newBuilder().setVersion("v1").build()));
  }

  public StatusResponse status() {
    return status(false);
  }

  /** The runtime's conditions; with {@code verbose}, also its {@code info} map (containerd: its CRI config as JSON under "config"). */
  public StatusResponse status(boolean verbose) {
    return runtime("Status", "", s -> s.status(StatusRequest.newBuilder().setVerbose(verbose).build()));
  }

  /** True when the runtime reports the condition {@code type} (e.g. RuntimeReady, NetworkReady) as met. */
  public static boolean conditionMet(StatusResponse status, String type) {
    for (RuntimeCondition c : status.getStatus().getConditionsList()) {
      if (c.getType().equals(type)) {
        return c.getStatus();
      }
    }
    return false;
  }

  /** Runs a pod sandbox and returns its id. */
  public String runPodSandbox(PodSandboxConfig config) {
    return runPodSandbox(config, "");
  }

  public String runPodSandbox(PodSandboxConfig config, String runtimeHandler) {
    String subject = "pod '" + config.getMetadata().getName() + "' (uid " + config.getMetadata().getUid() + ")";
    return runtime(
            "RunPodSandbox",
            subject,
            s ->
                s.runPodSandbox(
                    RunPodSandboxRequest.newBuilder().setConfig(config).setRuntimeHandler(runtimeHandler).build()))
        .getPodSandboxId();
  }

  public void stopPodSandbox(String podId) {
    runtime("StopPodSandbox", "pod " + podId,
        s -> s.stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build()));
  }

  public void removePodSandbox(String podId) {
    runtime("RemovePodSandbox", "pod " + podId,
        s -> s.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build()));
  }

  public PodSandboxStatusResponse podSandboxStatus(String podId) {
    return podSandboxStatus(podId, false);
  }

  public PodSandboxStatusResponse podSandboxStatus(String podId, boolean verbose) {
    return runtime("PodSandboxStatus", "pod " + podId,
        s -> s.podSandboxStatus(
            PodSandboxStatusRequest.newBuilder().setPodSandboxId(podId).setVerbose(verbose).build()));
  }

  public List<PodSandbox> listPodSandbox() {
    return listPodSandbox(PodSandboxFilter.getDefaultInstance());
  }

  public List<PodSandbox> listPodSandbox(PodSandboxFilter filter) {
    return runtime("ListPodSandbox", "",
            s -> s.listPodSandbox(ListPodSandboxRequest.newBuilder().setFilter(filter).build()))
        .getItemsList();
  }

  /** Creates a container in pod {@code podId} and returns its id. */
  public String createContainer(String podId, ContainerConfig config, PodSandboxConfig sandboxConfig) {
    String subject = "container '" + config.getMetadata().getName() + "' (image " + config.getImage().getImage()
        + ") in pod " + podId;
    return runtime("CreateContainer", subject,
            s -> s.createContainer(CreateContainerRequest.newBuilder()
                .setPodSandboxId(podId)
                .setConfig(config)
                .setSandboxConfig(sandboxConfig)
                .build()))
        .getContainerId();
  }

  public void startContainer(String containerId) {
    runtime("StartContainer", "container " + containerId,
        s -> s.startContainer(StartContainerRequest.newBuilder().setContainerId(containerId).build()));
  }

  /** Stops a container, killing it after {@code grace} (rounded up to whole seconds; zero kills at once). */
  public void stopContainer(String containerId, Duration grace) {
    long seconds = ceilSeconds(grace);
    Duration deadline = deadlineOverride != null ? deadlineOverride : Duration.ofSeconds(seconds).plus(FALLBACK_DEADLINE);
    call("StopContainer", "container " + containerId, deadline, List.of(),
        d -> runtimeStub(d).stopContainer(
            StopContainerRequest.newBuilder().setContainerId(containerId).setTimeout(seconds).build()));
  }

  public void removeContainer(String containerId) {
    runtime("RemoveContainer", "container " + containerId,
        s -> s.removeContainer(RemoveContainerRequest.newBuilder().setContainerId(containerId).build()));
  }

  public ContainerStatusResponse containerStatus(String containerId) {
    return containerStatus(containerId, false);
  }

  public ContainerStatusResponse containerStatus(String containerId, boolean verbose) {
    return runtime("ContainerStatus", "container " + containerId,
        s -> s.containerStatus(
            ContainerStatusRequest.newBuilder().setContainerId(containerId).setVerbose(verbose).build()));
  }

  public List<Container> listContainers() {
    return listContainers(ContainerFilter.getDefaultInstance());
  }

  public List<Container> listContainers(ContainerFilter filter) {
    return runtime("ListContainers", "",
            s -> s.listContainers(ListContainersRequest.newBuilder().setFilter(filter).build()))
        .getContainersList();
  }

  public void reopenContainerLog(String containerId) {
    runtime("ReopenContainerLog", "container " + containerId,
        s -> s.reopenContainerLog(ReopenContainerLogRequest.newBuilder().setContainerId(containerId).build()));
  }

  /**
   * Runs {@code cmd} in the container and waits for it. The runtime ends the command after {@code
   * timeout} (rounded up to whole seconds) and the call then fails with a CriException.
   */
  public ExecResult execSync(String containerId, List<String> cmd, Duration timeout) {
    if (cmd.isEmpty()) {
      throw new IllegalArgumentException("ExecSync needs a command for container " + containerId);
    }
    long seconds = Math.max(1, ceilSeconds(timeout));
    Duration deadline = deadlineOverride != null ? deadlineOverride : Duration.ofSeconds(seconds).plus(EXEC_GRACE);
    String subject = "container " + containerId + " command " + cmd + " (timeout " + seconds + "s)";
    ExecSyncResponse r = call("ExecSync", subject, deadline, List.of(),
        d -> runtimeStub(d).execSync(ExecSyncRequest.newBuilder()
            .setContainerId(containerId)
            .addAllCmd(cmd)
            .setTimeout(seconds)
            .build()));
    return new ExecResult(
        r.getExitCode(), r.getStdout().toString(StandardCharsets.UTF_8), r.getStderr().toString(StandardCharsets.UTF_8));
  }

  public ContainerStats containerStats(String containerId) {
    return runtime("ContainerStats", "container " + containerId,
            s -> s.containerStats(ContainerStatsRequest.newBuilder().setContainerId(containerId).build()))
        .getStats();
  }

  public List<ContainerStats> listContainerStats(ContainerStatsFilter filter) {
    return runtime("ListContainerStats", "",
            s -> s.listContainerStats(ListContainerStatsRequest.newBuilder().setFilter(filter).build()))
        .getStatsList();
  }

  // ---- images ----

  /** Pulls {@code image} without credentials; returns the runtime's image reference. */
  public String pullImage(String image) {
    return pullImage(image, null, null);
  }

  /** Pulls {@code image}; {@code auth} and {@code sandboxConfig} may be null. Credentials never reach messages. */
  public String pullImage(String image, AuthConfig auth, PodSandboxConfig sandboxConfig) {
    PullImageRequest.Builder req = PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image));
    List<String> secrets = new ArrayList<>();
    if (auth != null) {
      req.setAuth(auth);
      for (String secret :
          List.of(auth.getPassword(), auth.getAuth(), auth.getIdentityToken(), auth.getRegistryToken())) {
        if (!secret.isEmpty()) {
          secrets.add(secret);
        }
      }
    }
    if (sandboxConfig != null) {
      req.setSandboxConfig(sandboxConfig);
    }
    return call("PullImage", "image " + image, deadlineFor("PullImage"), secrets,
            d -> imageStub(d).pullImage(req.build()))
        .getImageRef();
  }

  /** The image as the runtime knows it, or empty when the runtime does not have it. */
  public Optional<Image> imageStatus(String image) {
    var r = image("ImageStatus", "image " + image,
        s -> s.imageStatus(ImageStatusRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build()));
    return r.hasImage() ? Optional.of(r.getImage()) : Optional.empty();
  }

  public List<Image> listImages() {
    return image("ListImages", "", s -> s.listImages(ListImagesRequest.newBuilder()
            .setFilter(ImageFilter.getDefaultInstance()).build()))
        .getImagesList();
  }

  public void removeImage(String image) {
    image("RemoveImage", "image " + image,
        s -> s.removeImage(RemoveImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build()));
  }

  @Override
  public void close() {
    if (owned != null) {
      owned.run();
    }
  }

  @Override
  public String toString() {
    return "CriClient[" + endpoint + "]";
  }

  // ---- plumbing ----

  private <T> T runtime(String op, String subject, Function<RuntimeServiceGrpc.RuntimeServiceBlockingStub, T> fn) {
    return call(op, subject, deadlineFor(op), List.of(), d -> fn.apply(runtimeStub(d)));
  }

  private <T> T image(String op, String subject, Function<ImageServiceGrpc.ImageServiceBlockingStub, T> fn) {
    return call(op, subject, deadlineFor(op), List.of(), d -> fn.apply(imageStub(d)));
  }

  private RuntimeServiceGrpc.RuntimeServiceBlockingStub runtimeStub(Duration d) {
    return RuntimeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(d.toNanos(), TimeUnit.NANOSECONDS);
  }

  private ImageServiceGrpc.ImageServiceBlockingStub imageStub(Duration d) {
    return ImageServiceGrpc.newBlockingStub(channel).withDeadlineAfter(d.toNanos(), TimeUnit.NANOSECONDS);
  }

  private Duration deadlineFor(String op) {
    return deadlineOverride != null ? deadlineOverride : DEFAULT_DEADLINES.getOrDefault(op, FALLBACK_DEADLINE);
  }

  private <T> T call(String op, String subject, Duration deadline, List<String> secrets, Function<Duration, T> fn) {
    try {
      return fn.apply(deadline);
    } catch (StatusRuntimeException e) {
      throw failure(op, subject, deadline, e.getStatus(), secrets, e);
    }
  }

  private CriException failure(
      String op, String subject, Duration deadline, Status status, List<String> secrets, Throwable cause) {
    String said = status.getDescription() != null ? status.getDescription() : "";
    if (said.isEmpty() && status.getCause() != null) {
      said = String.valueOf(status.getCause());
    }
    for (String secret : secrets) {
      said = said.replace(secret, "***");
    }
    StringBuilder m = new StringBuilder("CRI ").append(op).append(" failed");
    if (!subject.isEmpty()) {
      m.append(" for ").append(subject);
    }
    m.append(" at ").append(endpoint).append(": ").append(status.getCode());
    if (!said.isEmpty()) {
      m.append(": ").append(said);
    }
    m.append(hint(op, status.getCode(), said, deadline));
    // With credentials in play, drop the cause: its text is the runtime's unredacted message.
    return new CriException(op, subject, endpoint, secrets.isEmpty() ? status : Status.fromCode(status.getCode()),
        m.toString(), secrets.isEmpty() ? cause : null);
  }

  private static String hint(String op, Status.Code code, String said, Duration deadline) {
    if (!DiskFull.hint(said).isEmpty()) {
      return " (" + DiskFull.hint(said).strip() + ")";
    }
    if (code == Status.Code.DEADLINE_EXCEEDED && op.equals("ExecSync") && said.contains("timeout")) {
      return " (the command outlived its timeout and the runtime ended it; give it a longer timeout if it needs one)";
    }
    if (code == Status.Code.NOT_FOUND && said.contains("image")) {
      return " (the runtime does not have this image: import or pull it first)";
    }
    switch (code) {
      case UNAVAILABLE:
        return " (the runtime does not answer on this socket: check that containerd is running and that the endpoint"
            + " path is its CRI socket)";
      case DEADLINE_EXCEEDED:
        return " (no answer within " + deadline.toMillis() + " ms; check the runtime's log, or give the call a longer"
            + " deadline with CriClient.withDeadline)";
      case NOT_FOUND:
        return " (the runtime does not know it: already removed, or a wrong id)";
      case UNIMPLEMENTED:
        return " (the runtime does not offer this CRI call: is it a CRI runtime speaking runtime.v1?)";
      default:
        return "";
    }
  }

  private static long ceilSeconds(Duration d) {
    if (d == null || d.isNegative()) {
      throw new IllegalArgumentException("timeout must be zero or positive, got " + d);
    }
    long s = d.getSeconds();
    return d.getNano() > 0 ? s + 1 : s;
  }
}
