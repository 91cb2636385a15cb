package io.podgate.internal.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.podgate.internal.host.Json;
import com.google.protobuf.ByteString;
import com.google.protobuf.FieldMask;
import io.grpc.Channel;
import io.grpc.ClientInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.podgate.PodgateException;
import io.podgate.internal.containerd.ContainerdHeaders;
import io.podgate.internal.containerd.content.ContentGrpc;
import io.podgate.internal.containerd.content.Info;
import io.podgate.internal.containerd.content.InfoRequest;
import io.podgate.internal.containerd.content.UpdateRequest;
import io.podgate.internal.containerd.content.WriteAction;
import io.podgate.internal.containerd.content.WriteContentRequest;
import io.podgate.internal.containerd.content.WriteContentResponse;
import io.podgate.internal.containerd.images.CreateImageRequest;
import io.podgate.internal.containerd.images.GetImageRequest;
import io.podgate.internal.containerd.images.Image;
import io.podgate.internal.containerd.images.ImagesGrpc;
import io.podgate.internal.containerd.images.UpdateImageRequest;
import io.podgate.internal.containerd.leases.CreateRequest;
import io.podgate.internal.containerd.leases.DeleteRequest;
import io.podgate.internal.containerd.leases.LeasesGrpc;
import io.podgate.internal.containerd.types.Descriptor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Imports an OCI image-layout tar into containerd through its content, images and leases
 * services, the way {@code ctr import} would, without running {@code ctr}.
 *
 * <p>Blobs containerd already has are skipped; the rest are written under a lease, leaves first,
 * with the garbage-collection reference labels containerd expects on manifests and indexes. The
 * image record then points the name at the root, and the lease is dropped.
 */
public final class OciArchiveImporter {
  static final String GC_REF_CONFIG = "containerd.io/gc.ref.content.config";
  static final String GC_REF_LAYER = "containerd.io/gc.ref.content.l.";
  static final String GC_REF_MANIFEST = "containerd.io/gc.ref.content.m.";
  static final String CRI_MANAGED_LABEL = "io.cri-containerd.image";

  private static final int CHUNK = 1024 * 1024;
  private static final long CALL_SECONDS = 60;

  private final Channel channel;
  private final String endpoint;
  private final String namespace;

  /** @param endpoint how to name this containerd in errors, e.g. its socket path */
  public OciArchiveImporter(Channel channel, String endpoint) {
    this(channel, endpoint, ContainerdHeaders.K8S_NAMESPACE);
  }

  public OciArchiveImporter(Channel channel, String endpoint, String namespace) {
    this.channel = channel;
    this.endpoint = endpoint;
    this.namespace = namespace;
  }

  private record Blob(String digest, String mediaType, long size, TarIndex.Entry entry, Map<String, String> labels) {}

  /** Imports an archive built by {@link HostImageBuilder} under its own reference. */
  public ImportResult importImage(BuiltImage image) {
    return importArchive(image.archive(), image.reference());
  }

  /** Imports {@code ociArchive} and names the image {@code imageName} (e.g. {@code podgate.local/pause:1}). */
  public ImportResult importArchive(Path ociArchive, String imageName) {
    if (imageName == null || imageName.isBlank()) {
      throw new PodgateException("importing " + ociArchive + ": the image name is empty; pass a reference such as podgate.local/pause:1");
    }
    Import run = new Import(ociArchive, imageName);
    return run.execute();
  }

  /**
   * Whether the runtime's image {@code imageName} points at {@code manifestDigest} already (one
   * Images.Get): then importing that archive again would change nothing.
   */
  public boolean has(String imageName, String manifestDigest) {
    try {
      Image image = ImagesGrpc.newBlockingStub(channel).withInterceptors(ContainerdHeaders.namespace(namespace))
          .withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS)
          .get(GetImageRequest.newBuilder().setName(imageName).build()).getImage();
      return image.getTarget().getDigest().equals(manifestDigest);
    } catch (StatusRuntimeException e) {
      return false; // absent, or the runtime will say what is wrong when the import runs
    }
  }

  private final class Import {
    private final Path archive;
    private final String imageName;
    private TarIndex tar;
    private final Map<String, Blob> plan = new LinkedHashMap<>();
    private final String importId = UUID.randomUUID().toString().substring(0, 13);

    Import(Path archive, String imageName) {
      this.archive = archive;
      this.imageName = imageName;
    }

    ImportResult execute() {
      if (!Files.isRegularFile(archive)) {
        throw new PodgateException("OCI archive " + archive + " does not exist or is not a regular file");
      }
      try {
        tar = TarIndex.read(archive);
      } catch (IOException e) {
        throw new PodgateException("cannot read OCI archive " + archive + ": " + e.getMessage(), e);
      }
      JsonNode target = chooseTarget();
      String rootDigest = text(target, "digest");
      Digests.hex(rootDigest, "index.json's manifest entry in " + archive);
      collect(rootDigest, mediaTypeOf(target), target.path("size").asLong(-1), "the image root named in index.json", new LinkedHashSet<>());
      Blob root = plan.get(rootDigest);

      String leaseId = "podgate-import-" + importId;
      createLease(leaseId);
      RuntimeException failure = null;
      try {
        ClientInterceptor headers = ContainerdHeaders.namespaceAndLease(namespace, leaseId);
        ContentGrpc.ContentBlockingStub content = ContentGrpc.newBlockingStub(channel).withInterceptors(headers);
        ContentGrpc.ContentStub contentAsync = ContentGrpc.newStub(channel).withInterceptors(headers);
        int written = 0;
        int skipped = 0;
        long bytes = 0;
        for (Blob blob : plan.values()) {
          if (writeIfAbsent(content, contentAsync, blob)) {
            written++;
            bytes += blob.size();
          } else {
            skipped++;
          }
        }
        ImportResult.ImageRecord record = putImage(headers, root);
        if (ContainerdHeaders.K8S_NAMESPACE.equals(namespace)) {
          CriImageVisibility.await(channel, imageName);
        }
        return new ImportResult(imageName, root.digest(), root.mediaType(), root.size(), written, skipped, bytes, record);
      } catch (RuntimeException e) {
        failure = e;
        throw e;
      } finally {
        deleteLease(leaseId, failure);
      }
    }

    private JsonNode chooseTarget() {
      TarIndex.Entry layout = tar.find("oci-layout");
      TarIndex.Entry index = tar.find("index.json");
      if (layout == null && index == null) {
        String hint = tar.find("manifest.json") != null
            ? " It looks like a 'docker save' archive; convert it with 'skopeo copy docker-archive:<in> oci-archive:<out>'."
            : "";
        throw new PodgateException("OCI archive " + archive + " is not an OCI image layout: it has neither oci-layout nor index.json." + hint);
      }
      if (index == null) {
        throw new PodgateException("OCI archive " + archive + " has no index.json at its top level; an OCI image layout needs one listing its manifests");
      }
      JsonNode json = parseJson(index, "index.json");
      JsonNode manifests = json.path("manifests");
      if (!manifests.isArray() || manifests.isEmpty()) {
        throw new PodgateException("index.json of OCI archive " + archive + " lists no manifests");
      }
      if (manifests.size() == 1) {
        return manifests.get(0);
      }
      String tag = tagOf(imageName);
      List<JsonNode> named = new ArrayList<>();
      List<JsonNode> amd64 = new ArrayList<>();
      for (JsonNode m : manifests) {
        String containerdName = m.path("annotations").path(OciMediaTypes.CONTAINERD_IMAGE_NAME).asText("");
        String refName = m.path("annotations").path(OciMediaTypes.REF_NAME).asText("");
        if (imageName.equals(containerdName) || imageName.equals(refName) || (!tag.isEmpty() && tag.equals(refName))) {
          named.add(m);
        }
        if (isLinuxAmd64(m.path("platform"))) {
          amd64.add(m);
        }
      }
      if (named.size() == 1) {
        return named.get(0);
      }
      if (amd64.size() == 1) {
        return amd64.get(0);
      }
      throw new PodgateException("index.json of OCI archive " + archive + " lists " + manifests.size()
          + " manifests and none is uniquely named '" + imageName + "' (annotation " + OciMediaTypes.REF_NAME
          + ") or uniquely linux/amd64; import an archive holding one image");
    }

    /** Depth-first, children before parents, so the plan's order is a safe write order. */
    private void collect(String digest, String mediaType, long size, String role, Set<String> path) {
      if (plan.containsKey(digest)) {
        return;
      }
      if (!path.add(digest)) {
        throw new PodgateException("OCI archive " + archive + " has a reference cycle through " + digest);
      }
      TarIndex.Entry entry = locate(digest, size, role);
      Map<String, String> labels = new LinkedHashMap<>();
      String type = mediaType.isEmpty() ? sniffMediaType(entry, digest, role) : mediaType;
      if (OciMediaTypes.isIndex(type) || OciMediaTypes.isManifest(type)) {
        JsonNode json = parseJson(entry, "blob " + digest + " (" + role + ")");
        if (OciMediaTypes.isIndex(type)) {
          JsonNode children = json.path("manifests");
          for (int i = 0; i < children.size(); i++) {
            JsonNode child = children.get(i);
            String childDigest = text(child, "digest");
            String childPath = Digests.blobPath(childDigest, "manifest " + i + " of index " + digest);
            if (tar.find(childPath) == null && child.has("platform") && !isLinuxAmd64(child.path("platform"))) {
              continue;
            }
            collect(childDigest, mediaTypeOf(child), child.path("size").asLong(-1), "manifest " + i + " of index " + digest, path);
            labels.put(GC_REF_MANIFEST + i, childDigest);
          }
        } else {
          JsonNode config = json.path("config");
          if (config.isMissingNode()) {
            throw new PodgateException("manifest " + digest + " in OCI archive " + archive + " has no config descriptor");
          }
          String configDigest = text(config, "digest");
          collect(configDigest, mediaTypeOf(config), config.path("size").asLong(-1), "config of manifest " + digest, path);
          labels.put(GC_REF_CONFIG, configDigest);
          JsonNode layers = json.path("layers");
          for (int i = 0; i < layers.size(); i++) {
            JsonNode layer = layers.get(i);
            String layerDigest = text(layer, "digest");
            collect(layerDigest, mediaTypeOf(layer), layer.path("size").asLong(-1), "layer " + i + " of manifest " + digest, path);
            labels.put(GC_REF_LAYER + i, layerDigest);
          }
        }
      } else {
        verifyDigest(entry, digest, role);
      }
      path.remove(digest);
      plan.put(digest, new Blob(digest, type, entry.size(), entry, labels));
    }

    /** Descriptors without a media type (rare, index.json only): tell index, manifest and leaf apart by content. */
    private String sniffMediaType(TarIndex.Entry entry, String digest, String role) {
      if (entry.size() > 4 * 1024 * 1024) {
        return "application/octet-stream";
      }
      JsonNode json;
      try {
        json = Json.mapper().readTree(tar.readAll(entry));
      } catch (IOException e) {
        return "application/octet-stream";
      }
      if (json.has("manifests")) {
        return json.path("mediaType").asText(OciMediaTypes.OCI_INDEX);
      }
      if (json.has("layers") && json.has("config")) {
        return json.path("mediaType").asText(OciMediaTypes.OCI_MANIFEST);
      }
      return "application/octet-stream";
    }

    private TarIndex.Entry locate(String digest, long size, String role) {
      String blobPath = Digests.blobPath(digest, role + " in OCI archive " + archive);
      TarIndex.Entry entry = tar.find(blobPath);
      if (entry == null) {
        throw new PodgateException("OCI archive " + archive + " is missing blob " + digest + " (" + role
            + "); expected it at " + blobPath + ". The archive is incomplete; rebuild or re-export it.");
      }
      if (size >= 0 && entry.size() != size) {
        throw new PodgateException("blob " + digest + " (" + role + ") in OCI archive " + archive + " is "
            + entry.size() + " bytes but its descriptor says " + size + "; the archive is corrupt");
      }
      return entry;
    }

    private void verifyDigest(TarIndex.Entry entry, String digest, String role) {
      String actual;
      try (InputStream in = tar.open(entry)) {
        actual = Digests.sha256(in);
      } catch (IOException e) {
        throw new PodgateException("cannot read blob " + digest + " (" + role + ") from OCI archive " + archive + ": " + e.getMessage(), e);
      }
      if (!actual.equals(digest)) {
        throw new PodgateException("digest mismatch in OCI archive " + archive + ": blob " + entry.name() + " (" + role
            + ") hashes to " + actual + ", not " + digest + "; the archive is corrupt");
      }
    }

    private JsonNode parseJson(TarIndex.Entry entry, String what) {
      byte[] bytes;
      try {
        bytes = tar.readAll(entry);
      } catch (IOException e) {
        throw new PodgateException("cannot read " + what + " from OCI archive " + archive + ": " + e.getMessage(), e);
      }
      if (entry.name().startsWith("blobs/sha256/")) {
        String expected = "sha256:" + entry.name().substring("blobs/sha256/".length());
        String actual = Digests.sha256(bytes);
        if (!actual.equals(expected)) {
          throw new PodgateException("digest mismatch in OCI archive " + archive + ": blob " + entry.name() + " (" + what
              + ") hashes to " + actual + ", not " + expected + "; the archive is corrupt");
        }
      }
      try {
        return Json.mapper().readTree(bytes);
      } catch (IOException e) {
        throw new PodgateException(what + " in OCI archive " + archive + " is not valid JSON: " + e.getMessage(), e);
      }
    }

    private String text(JsonNode node, String field) {
      JsonNode v = node.get(field);
      if (v == null || !v.isTextual()) {
        throw new PodgateException("OCI archive " + archive + ": descriptor " + node + " has no '" + field + "'");
      }
      return v.asText();
    }

    private boolean writeIfAbsent(ContentGrpc.ContentBlockingStub content, ContentGrpc.ContentStub contentAsync, Blob blob) {
      Info existing = info(content, blob);
      if (existing != null) {
        addMissingLabels(content, blob, existing);
        return false;
      }
      try {
        write(contentAsync, blob);
        return true;
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.ALREADY_EXISTS) {
          return false;
        }
        throw refused("writing blob " + blob.digest() + " (" + blob.mediaType() + ", " + blob.size() + " bytes)", e);
      }
    }

    private Info info(ContentGrpc.ContentBlockingStub content, Blob blob) {
      try {
        return content.withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS)
            .info(InfoRequest.newBuilder().setDigest(blob.digest()).build())
            .getInfo();
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
          return null;
        }
        throw refused("Content.Info for blob " + blob.digest(), e);
      }
    }

    private void addMissingLabels(ContentGrpc.ContentBlockingStub content, Blob blob, Info existing) {
      Map<String, String> missing = new LinkedHashMap<>();
      blob.labels().forEach((k, v) -> {
        if (!v.equals(existing.getLabelsMap().get(k))) {
          missing.put(k, v);
        }
      });
      if (missing.isEmpty()) {
        return;
      }
      FieldMask.Builder mask = FieldMask.newBuilder();
      missing.keySet().forEach(k -> mask.addPaths("labels." + k));
      try {
        content.withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS).update(UpdateRequest.newBuilder()
            .setInfo(Info.newBuilder().setDigest(blob.digest()).putAllLabels(missing))
            .setUpdateMask(mask)
            .build());
      } catch (StatusRuntimeException e) {
        throw refused("Content.Update of the labels of blob " + blob.digest(), e);
      }
    }

    private void write(ContentGrpc.ContentStub contentAsync, Blob blob) {
      // One ref per import: two imports of the same blob at once then race to commit, and the loser sees ALREADY_EXISTS.
      String ref = "podgate-" + importId + "-" + blob.digest().replace(':', '-');
      BlockingQueue<Object> replies = new LinkedBlockingQueue<>();
      Object done = new Object();
      StreamObserver<WriteContentRequest> requests = contentAsync.write(new StreamObserver<>() {
        @Override
        public void onNext(WriteContentResponse value) {
          replies.add(value);
        }

        @Override
        public void onError(Throwable t) {
          replies.add(t);
        }

        @Override
        public void onCompleted() {
          replies.add(done);
        }
      });
      boolean finished = false;
      try (InputStream in = tar.open(blob.entry())) {
        byte[] buf = new byte[CHUNK];
        long offset = 0;
        while (offset < blob.size()) {
          int n = in.readNBytes(buf, 0, (int) Math.min(CHUNK, blob.size() - offset));
          if (n <= 0) {
            throw new PodgateException("blob " + blob.digest() + " in OCI archive " + archive + " ended after " + offset + " bytes");
          }
          exchange(requests, replies, done, WriteContentRequest.newBuilder()
              .setAction(WriteAction.WRITE).setRef(ref).setTotal(blob.size()).setExpected(blob.digest())
              .setOffset(offset).setData(ByteString.copyFrom(buf, 0, n)).build());
          offset += n;
        }
        WriteContentResponse committed = exchange(requests, replies, done, WriteContentRequest.newBuilder()
            .setAction(WriteAction.COMMIT).setRef(ref).setTotal(blob.size()).setExpected(blob.digest())
            .setOffset(offset).putAllLabels(blob.labels()).build());
        if (!committed.getDigest().isEmpty() && !committed.getDigest().equals(blob.digest())) {
          throw new PodgateException("containerd at " + endpoint + " committed blob " + blob.digest() + " from " + archive
              + " as " + committed.getDigest());
        }
        requests.onCompleted();
        finished = true;
      } catch (IOException e) {
        throw new PodgateException("cannot read blob " + blob.digest() + " from OCI archive " + archive + ": " + e.getMessage(), e);
      } finally {
        if (!finished) {
          requests.onError(Status.CANCELLED.withDescription("podgate import aborted").asRuntimeException());
          abortQuietly(contentAsync, ref);
        }
      }
    }

    private void abortQuietly(ContentGrpc.ContentStub contentAsync, String ref) {
      try {
        ContentGrpc.newBlockingStub(contentAsync.getChannel()).withInterceptors(ContainerdHeaders.namespace(namespace))
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .abort(io.podgate.internal.containerd.content.AbortRequest.newBuilder().setRef(ref).build());
      } catch (StatusRuntimeException ignored) {
        // nothing to abort, or containerd is gone; the lease expiry cleans up either way
      }
    }

    private WriteContentResponse exchange(StreamObserver<WriteContentRequest> requests, BlockingQueue<Object> replies,
        Object done, WriteContentRequest request) {
      requests.onNext(request);
      Object reply;
      try {
        reply = replies.poll(5, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PodgateException("interrupted while writing blob " + request.getExpected() + " to containerd at " + endpoint, e);
      }
      if (reply instanceof StatusRuntimeException sre) {
        throw sre;
      }
      if (reply instanceof Throwable t) {
        throw Status.fromThrowable(t).asRuntimeException();
      }
      if (reply == null || reply == done) {
        throw new PodgateException("containerd at " + endpoint + " gave no answer to a " + request.getAction()
            + " of blob " + request.getExpected() + " from " + archive + (reply == null ? " within 5 minutes" : " before closing the stream"));
      }
      return (WriteContentResponse) reply;
    }

    private ImportResult.ImageRecord putImage(ClientInterceptor headers, Blob root) {
      ImagesGrpc.ImagesBlockingStub images = ImagesGrpc.newBlockingStub(channel).withInterceptors(headers);
      Descriptor target = Descriptor.newBuilder()
          .setMediaType(root.mediaType()).setDigest(root.digest()).setSize(root.size()).build();
      Image wanted = Image.newBuilder().setName(imageName).setTarget(target).putLabels(CRI_MANAGED_LABEL, "managed").build();
      Image current = getImage(images);
      if (current == null) {
        try {
          images.withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS).create(CreateImageRequest.newBuilder().setImage(wanted).build());
          return ImportResult.ImageRecord.CREATED;
        } catch (StatusRuntimeException e) {
          if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
            throw refused("Images.Create of " + imageName + " -> " + root.digest(), e);
          }
          current = getImage(images);
          if (current == null) {
            throw refused("Images.Create of " + imageName + " -> " + root.digest(), e);
          }
        }
      }
      if (current.getTarget().equals(target)) {
        return ImportResult.ImageRecord.UNCHANGED;
      }
      try {
        images.withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS).update(UpdateImageRequest.newBuilder()
            .setImage(wanted)
            .setUpdateMask(FieldMask.newBuilder().addPaths("target").addPaths("labels." + CRI_MANAGED_LABEL))
            .build());
        return ImportResult.ImageRecord.UPDATED;
      } catch (StatusRuntimeException e) {
        throw refused("Images.Update of " + imageName + " from " + current.getTarget().getDigest() + " to " + root.digest(), e);
      }
    }

    private Image getImage(ImagesGrpc.ImagesBlockingStub images) {
      try {
        return images.withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS)
            .get(GetImageRequest.newBuilder().setName(imageName).build()).getImage();
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
          return null;
        }
        throw refused("Images.Get of " + imageName, e);
      }
    }

    private void createLease(String leaseId) {
      String expire = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();
      try {
        LeasesGrpc.newBlockingStub(channel).withInterceptors(ContainerdHeaders.namespace(namespace))
            .withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS)
            .create(CreateRequest.newBuilder().setId(leaseId).putLabels("containerd.io/gc.expire", expire).build());
      } catch (StatusRuntimeException e) {
        throw refused("Leases.Create", e);
      }
    }

    private void deleteLease(String leaseId, RuntimeException failure) {
      try {
        LeasesGrpc.newBlockingStub(channel).withInterceptors(ContainerdHeaders.namespace(namespace))
            .withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS)
            .delete(DeleteRequest.newBuilder().setId(leaseId).build());
      } catch (StatusRuntimeException e) {
        PodgateException leaseError = refused("Leases.Delete of " + leaseId + " (it expires by itself within an hour)", e);
        if (failure != null) {
          failure.addSuppressed(leaseError);
        } else {
          throw leaseError;
        }
      }
    }

    private PodgateException refused(String action, StatusRuntimeException e) {
      Status s = e.getStatus();
      String hint = isConnectionFailure(s)
          ? " Is containerd running, and is " + endpoint + " its gRPC socket?"
          : io.podgate.internal.cri.DiskFull.hint(s.getDescription());
      return new PodgateException("importing OCI archive " + archive + " as " + imageName + " into containerd at "
          + endpoint + " (namespace " + namespace + "): " + action + " failed: " + s.getCode()
          + (s.getDescription() == null ? "" : " " + s.getDescription()) + "." + hint, e);
    }
  }

  /** UNAVAILABLE, or (over junixsocket, to a socket nobody listens on) UNKNOWN "channel closed". */
  static boolean isConnectionFailure(Status s) {
    if (s.getCode() == Status.Code.UNAVAILABLE) {
      return true;
    }
    if (s.getCode() != Status.Code.UNKNOWN) {
      return false;
    }
    for (Throwable t = s.getCause(); t != null; t = t.getCause()) {
      if (t instanceof java.nio.channels.ClosedChannelException || t instanceof java.net.ConnectException) {
        return true;
      }
    }
    return "channel closed".equals(s.getDescription());
  }

  private static String mediaTypeOf(JsonNode descriptor) {
    return descriptor.path("mediaType").asText("");
  }

  private static boolean isLinuxAmd64(JsonNode platform) {
    return "linux".equals(platform.path("os").asText()) && "amd64".equals(platform.path("architecture").asText());
  }

  private static String tagOf(String reference) {
    String ref = reference;
    int at = ref.indexOf('@');
    if (at >= 0) {
      ref = ref.substring(0, at);
    }
    int slash = ref.lastIndexOf('/');
    int colon = ref.lastIndexOf(':');
    return colon > slash ? ref.substring(colon + 1) : "";
  }
}
