package io.podgate.internal.image;

import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.podgate.internal.cri.v1.ImageServiceGrpc;
import io.podgate.internal.cri.v1.ImageSpec;
import io.podgate.internal.cri.v1.ImageStatusRequest;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * containerd's CRI plugin learns of a new image from the event stream, a moment after Images.Create:
 * {@link #await} waits (bounded) until its ImageStatus lists an imported image, so a CreateContainer
 * right after the import finds it.
 */
final class CriImageVisibility {
  private static final Duration PATIENCE = Duration.ofSeconds(10);
  private static final long CALL_SECONDS = 60;

  private CriImageVisibility() {}

  static void await(Channel channel, String reference) {
    ImageStatusRequest request = ImageStatusRequest.newBuilder()
        .setImage(ImageSpec.newBuilder().setImage(reference)).build();
    ImageServiceGrpc.ImageServiceBlockingStub cri = ImageServiceGrpc.newBlockingStub(channel);
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    long pauseMillis = 2;
    while (true) {
      try {
        if (cri.withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS).imageStatus(request).hasImage()) {
          return;
        }
      } catch (StatusRuntimeException e) {
        return; // no CRI on this socket, or it will say what is wrong when the image is used
      }
      if (System.nanoTime() - deadline > 0) {
        return; // the pod that uses it will name the image if CRI never lists it
      }
      try {
        Thread.sleep(pauseMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      pauseMillis = Math.min(pauseMillis * 2, 50);
    }
  }
}
