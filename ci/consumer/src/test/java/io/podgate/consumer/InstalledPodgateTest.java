package io.podgate.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.netty.util.Version;
import io.podgate.CriContainer;
import io.podgate.ExecResult;
import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Runs a pod through podgate as installed, and checks the Netty and gRPC a user's build resolves. */
@Tag("containerd")
@Podgate
class InstalledPodgateTest {
  @PodSandbox(name = "consumer")
  @CriContainer(name = "sleeper", image = "podgate:busybox", command = {"sleep", "3600"})
  static Pod pod;

  @Test
  void execRunsInThePod() {
    ExecResult result = pod.container("sleeper").exec("echo", "hello from the consumer");

    assertEquals(0, result.exitCode(), result.stderr());
    assertEquals("hello from the consumer\n", result.stdout());
  }

  @Test
  void everyNettyArtifactHasTheVersionPodgateWasTestedWith() {
    String expected = expected("expected.netty.version");
    Map<String, String> found = new TreeMap<>();
    Version.identify().forEach((artifact, version) -> found.put(artifact, version.artifactVersion()));

    assertFalse(found.isEmpty(), "no Netty artifact on the test class path");
    Map<String, String> wrong = new TreeMap<>(found);
    wrong.values().removeIf(expected::equals);
    assertEquals(Map.of(), wrong, "Netty artifacts not at " + expected + " (all: " + found + ")");
  }

  @Test
  void grpcJarsHaveTheVersionPodgateWasTestedWith() {
    String expected = expected("expected.grpc.version");
    Map<String, String> found = new TreeMap<>();
    for (Class<?> type : List.of(ManagedChannel.class, NettyChannelBuilder.class, ClientCalls.class,
        io.grpc.protobuf.ProtoUtils.class, io.grpc.internal.GrpcUtil.class)) {
      found.put(type.getName(), type.getPackage().getImplementationVersion());
    }

    Map<String, String> wrong = new TreeMap<>(found);
    wrong.values().removeIf(expected::equals);
    assertEquals(Map.of(), wrong, "gRPC jars not at " + expected);
  }

  private static String expected(String property) {
    String value = System.getProperty(property, "");
    assertFalse(value.isBlank(), "pass -D" + property + " (ci/run reads it from podgate's parent pom)");
    return value;
  }
}
