package io.podgate.internal.measure.churn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.podgate.PodgateException;
import io.podgate.internal.containerd.ContainerdAccess;
import io.podgate.internal.containerd.ContainerdHeaders;
import io.podgate.internal.containerd.containers.Container;
import io.podgate.internal.containerd.containers.ContainersGrpc;
import io.podgate.internal.containerd.containers.CreateContainerRequest;
import io.podgate.internal.containerd.containers.DeleteContainerRequest;
import io.podgate.internal.containerd.containers.ListContainersRequest;
import io.podgate.internal.containerd.content.ContentGrpc;
import io.podgate.internal.containerd.content.ReadContentRequest;
import io.podgate.internal.containerd.diff.ApplyRequest;
import io.podgate.internal.containerd.diff.DiffGrpc;
import io.podgate.internal.containerd.images.DeleteImageRequest;
import io.podgate.internal.containerd.images.ImagesGrpc;
import io.podgate.internal.containerd.leases.LeasesGrpc;
import io.podgate.internal.containerd.namespaces.DeleteNamespaceRequest;
import io.podgate.internal.containerd.namespaces.NamespacesGrpc;
import io.podgate.internal.containerd.snapshots.CommitSnapshotRequest;
import io.podgate.internal.containerd.snapshots.ListSnapshotsRequest;
import io.podgate.internal.containerd.snapshots.PrepareSnapshotRequest;
import io.podgate.internal.containerd.snapshots.RemoveSnapshotRequest;
import io.podgate.internal.containerd.snapshots.SnapshotsGrpc;
import io.podgate.internal.containerd.tasks.CreateTaskRequest;
import io.podgate.internal.containerd.tasks.DeleteTaskRequest;
import io.podgate.internal.containerd.tasks.KillRequest;
import io.podgate.internal.containerd.tasks.ListTasksRequest;
import io.podgate.internal.containerd.tasks.StartRequest;
import io.podgate.internal.containerd.tasks.TasksGrpc;
import io.podgate.internal.containerd.tasks.WaitRequest;
import io.podgate.internal.containerd.types.Descriptor;
import io.podgate.internal.containerd.types.Mount;
import io.podgate.internal.grpc.RelayChannel;
import io.podgate.internal.host.RuncLeftovers;
import io.podgate.internal.image.BuiltImage;
import io.podgate.internal.image.ImportResult;
import io.podgate.internal.image.OciArchiveImporter;
import io.podgate.measure.ChurnOptions;
import io.podgate.measure.ChurnResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Container churn through containerd's own API, the cycle containerd-stress runs (its ctrWorker):
 * snapshot Prepare + containers Create, tasks Create, Start, Wait (the command exits by itself), tasks
 * Delete, containers Delete + snapshot Remove. A run works in a containerd namespace of its own
 * ({@value #NAMESPACE_PREFIX}run id), imports the image there through content + images, unpacks it
 * with the diff service onto committed snapshots under a lease, and removes all of it (tasks,
 * containers, snapshots, image, content, lease, the namespace, runc's state and cgroup directories of
 * the namespace) before {@link #run} returns or throws.
 */
public final class ContainerdChurnEngine {
  public static final String NAMESPACE_PREFIX = "podgate-churn-";
  public static final String SNAPSHOTTER = "overlayfs";
  public static final String RUNTIME = "io.containerd.runc.v2";
  static final String SPEC_TYPE_URL = "types.containerd.io/opencontainers/runtime-spec/1/Spec";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CALL_DEADLINE = Duration.ofMinutes(1);

  private final ManagedChannel channel;
  private final String endpoint;

  public ContainerdChurnEngine(ContainerdAccess containerd) {
    this.channel = containerd.channel();
    this.endpoint = containerd.endpoint();
  }

  public ChurnResult run(ChurnOptions options) {
    RelayChannel.callDirectFromNow(channel); // its figures are per call: not through the keeper's hops
    return new Run(options).execute();
  }

  /** The namespace a run with this id works in. */
  public static String namespaceOf(String runId) {
    return NAMESPACE_PREFIX + runId;
  }

  private final class Run {
    private final ChurnOptions o;
    private final String runId = UUID.randomUUID().toString().substring(0, 8);
    private final String namespace = namespaceOf(runId);
    private final String leaseId = "podgate-churn-" + runId;
    private final ClientInterceptor headers = ContainerdHeaders.namespaceAndLease(namespace, leaseId);
    private final LatencyHistograms latencies = new LatencyHistograms(ChurnResult.containerdOperations());
    private final List<String> chain = new ArrayList<>();
    private String imageName;
    private String specEnvJson;
    private JsonNode imageConfig;

    Run(ChurnOptions o) {
      this.o = o;
    }

    private ContainersGrpc.ContainersBlockingStub containers() {
      return ContainersGrpc.newBlockingStub(channel).withInterceptors(headers)
          .withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }

    private TasksGrpc.TasksBlockingStub tasks() {
      return TasksGrpc.newBlockingStub(channel).withInterceptors(headers)
          .withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }

    private SnapshotsGrpc.SnapshotsBlockingStub snapshots() {
      return SnapshotsGrpc.newBlockingStub(channel).withInterceptors(headers)
          .withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }

    ChurnResult execute() {
      Supplier<BuiltImage> recipe = ChurnEngine.standardImages().get(o.image());
      if (recipe == null) {
        throw new PodgateException("churn path CONTAINERD: image " + o.image() + " is not one of podgate's standard images "
            + new TreeSet<>(ChurnEngine.standardImages().keySet()) + "; this path imports and unpacks the image in its own "
            + "containerd namespace and knows only those. Use one of them, or ChurnOptions.Path.CRI for other images.");
      }
      Set<Path> hostDirsBefore = RuncLeftovers.namespaceDirectories(namespace);
      return new ChurnWorkers(o, ChurnOptions.Path.CONTAINERD, runId, latencies).run(
          () -> {
            o.progress().accept("churn through containerd namespace " + namespace + " at " + endpoint);
            createLease();
            prepareImage(recipe.get());
          },
          cycle -> cycle(containerId(cycle)),
          (cycle, e) -> "container " + containerId(cycle) + ": " + e.getMessage(),
          () -> cleanUp(hostDirsBefore));
    }

    private String containerId(String cycle) {
      return "churn-" + runId + "-" + cycle;
    }

    /** containerd-stress's runContainer: NewContainer, NewTask, Start, wait for the exit, Delete both. */
    private void cycle(String id) {
      boolean container = false;
      boolean task = false;
      boolean done = false;
      try {
        List<Mount> rootfs = new ArrayList<>(); // Prepare answers with the mounts: no Mounts call needed
        timed(ChurnResult.NEW_CONTAINER, () -> {
          rootfs.addAll(snapshots().prepare(PrepareSnapshotRequest.newBuilder().setSnapshotter(SNAPSHOTTER).setKey(id)
              .setParent(chain.get(chain.size() - 1)).build()).getMountsList());
          containers().create(CreateContainerRequest.newBuilder().setContainer(Container.newBuilder()
              .setId(id)
              .setImage(imageName)
              .setRuntime(Container.Runtime.newBuilder().setName(RUNTIME))
              .setSpec(Any.newBuilder().setTypeUrl(SPEC_TYPE_URL).setValue(ByteString.copyFromUtf8(spec(id))))
              .setSnapshotter(SNAPSHOTTER)
              .setSnapshotKey(id)).build());
        });
        container = true;
        timed(ChurnResult.NEW_TASK,
            () -> tasks().create(CreateTaskRequest.newBuilder().setContainerId(id).addAllRootfs(rootfs).build()));
        task = true;
        timed(ChurnResult.TASK_START, () -> tasks().start(StartRequest.newBuilder().setContainerId(id).build()));
        timed(ChurnResult.TASK_WAIT, () -> {
          int status = tasks().wait(WaitRequest.newBuilder().setContainerId(id).build()).getExitStatus();
          if (status != 0) {
            throw new PodgateException("container " + id + " exited with status " + status + " (command " + o.command() + ")");
          }
        });
        timed(ChurnResult.TASK_DELETE, () -> tasks().delete(DeleteTaskRequest.newBuilder().setContainerId(id).build()));
        task = false;
        timed(ChurnResult.CONTAINER_DELETE, () -> {
          containers().delete(DeleteContainerRequest.newBuilder().setId(id).build());
          snapshots().remove(RemoveSnapshotRequest.newBuilder().setSnapshotter(SNAPSHOTTER).setKey(id).build());
        });
        container = false;
        done = true;
      } finally {
        if (!done) {
          removeQuietly(id, task, container);
        }
      }
    }

    private void removeQuietly(String id, boolean task, boolean container) {
      if (task) {
        quietly(() -> tasks().kill(KillRequest.newBuilder().setContainerId(id).setSignal(9).setAll(true).build()));
        quietly(() -> tasks().wait(WaitRequest.newBuilder().setContainerId(id).build()));
        quietly(() -> tasks().delete(DeleteTaskRequest.newBuilder().setContainerId(id).build()));
      }
      if (container) {
        quietly(() -> containers().delete(DeleteContainerRequest.newBuilder().setId(id).build()));
      }
      quietly(() -> snapshots().remove(RemoveSnapshotRequest.newBuilder().setSnapshotter(SNAPSHOTTER).setKey(id).build()));
    }

    private void createLease() {
      call("create lease " + leaseId, () -> LeasesGrpc.newBlockingStub(channel)
          .withInterceptors(ContainerdHeaders.namespace(namespace))
          .create(io.podgate.internal.containerd.leases.CreateRequest.newBuilder().setId(leaseId).build()));
    }

    /** Imports the image into the run's namespace and unpacks its layers onto committed snapshots (chain ids). */
    private void prepareImage(BuiltImage built) {
      ImportResult imported = new OciArchiveImporter(channel, endpoint, namespace).importArchive(built.archive(), built.reference());
      imageName = imported.imageName();
      JsonNode manifest = readJson(imported.targetDigest());
      if (manifest.has("manifests")) {
        manifest = readJson(manifest.path("manifests").path(0).path("digest").asText());
      }
      imageConfig = readJson(manifest.path("config").path("digest").asText());
      JsonNode diffIds = imageConfig.path("rootfs").path("diff_ids");
      JsonNode layers = manifest.path("layers");
      if (diffIds.size() != layers.size() || layers.isEmpty()) {
        throw new PodgateException("image " + o.image() + ": its manifest has " + layers.size() + " layer(s) but its config "
            + diffIds.size() + " diff id(s); cannot unpack it");
      }
      String parent = "";
      for (int i = 0; i < layers.size(); i++) {
        String chainId = i == 0 ? diffIds.get(0).asText() : sha256(parent + " " + diffIds.get(i).asText());
        String key = "unpack-" + runId + "-" + i;
        String p = parent;
        List<Mount> mounts = call("prepare snapshot " + key, () -> snapshots().prepare(PrepareSnapshotRequest.newBuilder()
            .setSnapshotter(SNAPSHOTTER).setKey(key).setParent(p).build()).getMountsList());
        JsonNode layer = layers.get(i);
        Descriptor desc = Descriptor.newBuilder().setMediaType(layer.path("mediaType").asText())
            .setDigest(layer.path("digest").asText()).setSize(layer.path("size").asLong()).build();
        call("apply layer " + desc.getDigest(), () -> DiffGrpc.newBlockingStub(channel).withInterceptors(headers)
            .withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
            .apply(ApplyRequest.newBuilder().setDiff(desc).addAllMounts(mounts).build()));
        call("commit snapshot " + chainId, () -> snapshots().commit(CommitSnapshotRequest.newBuilder()
            .setSnapshotter(SNAPSHOTTER).setName(chainId).setKey(key).build()));
        chain.add(chainId);
        parent = chainId;
      }
      specEnvJson = envJson();
    }

    private JsonNode readJson(String digest) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      call("read content " + digest, () -> {
        Iterator<io.podgate.internal.containerd.content.ReadContentResponse> it = ContentGrpc.newBlockingStub(channel)
            .withInterceptors(headers).withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
            .read(ReadContentRequest.newBuilder().setDigest(digest).build());
        it.forEachRemaining(r -> out.writeBytes(r.getData().toByteArray()));
        return null;
      });
      try {
        return JSON.readTree(out.toByteArray());
      } catch (IOException e) {
        throw new PodgateException("image " + o.image() + ": blob " + digest + " is not JSON: " + e.getMessage(), e);
      }
    }

    private String envJson() {
      List<String> env = new ArrayList<>();
      imageConfig.path("config").path("Env").forEach(e -> env.add(e.asText()));
      if (env.stream().noneMatch(e -> e.startsWith("PATH="))) {
        env.add(0, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
      }
      try {
        return JSON.writeValueAsString(env);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    private String spec(String id) {
      List<String> args = o.command().isEmpty() ? imageCommand() : o.command();
      String cwd = imageConfig.path("config").path("WorkingDir").asText("");
      return OciSpec.defaultUnix(namespace, id, args, specEnvJson, cwd.isEmpty() ? "/" : cwd);
    }

    private List<String> imageCommand() {
      List<String> args = new ArrayList<>();
      imageConfig.path("config").path("Entrypoint").forEach(a -> args.add(a.asText()));
      imageConfig.path("config").path("Cmd").forEach(a -> args.add(a.asText()));
      if (args.isEmpty()) {
        throw new PodgateException("image " + o.image() + " has no Entrypoint or Cmd and the churn gives no command");
      }
      return args;
    }

    private void cleanUp(Set<Path> hostDirsBefore) {
      List<String> problems = new ArrayList<>();
      try {
        for (var t : tasks().list(ListTasksRequest.getDefaultInstance()).getTasksList()) {
          removeQuietly(t.getContainerId(), true, false);
        }
        for (Container c : containers().list(ListContainersRequest.getDefaultInstance()).getContainersList()) {
          quietly(() -> containers().delete(DeleteContainerRequest.newBuilder().setId(c.getId()).build()));
        }
        List<String> keys = new ArrayList<>();
        snapshots().list(ListSnapshotsRequest.newBuilder().setSnapshotter(SNAPSHOTTER).build())
            .forEachRemaining(r -> r.getInfoList().forEach(i -> {
              if (!chain.contains(i.getName())) {
                keys.add(i.getName());
              }
            }));
        keys.forEach(k -> quietly(() -> snapshots().remove(RemoveSnapshotRequest.newBuilder().setSnapshotter(SNAPSHOTTER)
            .setKey(k).build())));
        for (int i = chain.size() - 1; i >= 0; i--) {
          String k = chain.get(i);
          quietly(() -> snapshots().remove(RemoveSnapshotRequest.newBuilder().setSnapshotter(SNAPSHOTTER).setKey(k).build()));
        }
        if (imageName != null) {
          quietly(() -> ImagesGrpc.newBlockingStub(channel).withInterceptors(ContainerdHeaders.namespace(namespace))
              .delete(DeleteImageRequest.newBuilder().setName(imageName).build()));
        }
        quietly(() -> LeasesGrpc.newBlockingStub(channel).withInterceptors(ContainerdHeaders.namespace(namespace))
            .delete(io.podgate.internal.containerd.leases.DeleteRequest.newBuilder().setId(leaseId).setSync(true).build()));
        NamespacesGrpc.newBlockingStub(channel).delete(DeleteNamespaceRequest.newBuilder().setName(namespace).build());
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
          problems.add(e.getStatus().getCode() + ": " + e.getStatus().getDescription());
        }
      }
      RuncLeftovers.removeNamespaceDirectoriesMadeSince(hostDirsBefore, namespace);
      Set<Path> left = RuncLeftovers.namespaceDirectories(namespace);
      left.removeAll(hostDirsBefore);
      if (!left.isEmpty()) {
        problems.add("host directories left: " + left);
      }
      if (!problems.isEmpty()) {
        throw new PodgateException("churn run " + runId + " could not remove everything of containerd namespace " + namespace
            + " at " + endpoint + ": " + String.join("; ", problems));
      }
    }

    private void quietly(Runnable r) {
      try {
        r.run();
      } catch (RuntimeException ignored) {
        // best effort: what stays shows when the namespace cannot be deleted
      }
    }

    private <T> T call(String what, Supplier<T> call) {
      try {
        return call.get();
      } catch (StatusRuntimeException e) {
        throw new PodgateException("churn path CONTAINERD, image " + o.image() + ", namespace " + namespace + " at " + endpoint
            + ": " + what + " failed: " + e.getStatus().getCode() + " " + e.getStatus().getDescription(), e);
      }
    }

    private void timed(String op, Runnable call) {
      long t0 = System.nanoTime();
      try {
        call.run();
      } catch (StatusRuntimeException e) {
        throw new PodgateException(op + ": " + e.getStatus().getCode() + " " + e.getStatus().getDescription(), e);
      }
      latencies.record(op, System.nanoTime() - t0);
    }
  }

  static String sha256(String s) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
