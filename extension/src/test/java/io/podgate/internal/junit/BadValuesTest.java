package io.podgate.internal.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.podgate.Container;
import io.podgate.CriContainer;
import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import io.podgate.PortMapping;
import io.podgate.testsupport.FixtureOnly;
import io.podgate.testsupport.Fixtures;
import io.podgate.testsupport.HostState;
import io.podgate.testsupport.RequiresContainerd;
import io.podgate.testsupport.SessionTestBase;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/** Each bad value fails naming the annotation and the field, and leaves no pod behind. */
@RequiresContainerd
class BadValuesTest extends SessionTestBase {
  static final int BUSY_PORT = 38471;

  @Podgate
  @ExtendWith(FixtureOnly.class)
  static class NegativePort {
    @PodSandbox(ports = @PortMapping(containerPort = -80))
    @CriContainer(name = "c", image = "podgate:busybox", command = {"sleep", "3600"})
    Pod pod;

    @Test
    void t() {}
  }

  @Podgate
  @ExtendWith(FixtureOnly.class)
  static class HostPortOutOfRange {
    @PodSandbox(ports = @PortMapping(containerPort = 80, hostPort = 70000))
    Pod pod;

    @Test
    void t() {}
  }

  @Podgate
  @ExtendWith(FixtureOnly.class)
  static class EmptyImage {
    @PodSandbox
    @CriContainer(name = "c", image = " ")
    Pod pod;

    @Test
    void t() {}
  }

  @Podgate
  @ExtendWith(FixtureOnly.class)
  static class MissingJson {
    @PodSandbox(config = "no-such-pod-sandbox.json")
    Pod pod;

    @Test
    void t() {}
  }

  @Podgate
  @ExtendWith(FixtureOnly.class)
  static class UnknownJsonField {
    @PodSandbox(config = "unknown-field-pod.json")
    Pod pod;

    @Test
    void t() {}
  }

  @Podgate
  @ExtendWith(FixtureOnly.class)
  static class DuplicateContainer {
    @PodSandbox
    @CriContainer(name = "app", image = "podgate:busybox", command = {"sleep", "3600"})
    Pod pod;

    @CriContainer(pod = "pod", name = "app", image = "podgate:busybox")
    Container again;

    @Test
    void t() {}
  }

  @Podgate
  @ExtendWith(FixtureOnly.class)
  static class HostPortInUse {
    @PodSandbox
    @CriContainer(name = "c", image = "podgate:busybox", command = {"sleep", "3600"})
    Pod fine;

    @PodSandbox(ports = @PortMapping(containerPort = 80, hostPort = BUSY_PORT))
    @CriContainer(name = "c", image = "podgate:busybox", command = {"sleep", "3600"})
    Pod clash;

    @Test
    void t() {}
  }

  @Podgate
  @ExtendWith(FixtureOnly.class)
  static class MissingPod {
    @PodSandbox
    @CriContainer(name = "c", image = "podgate:busybox", command = {"sleep", "3600"})
    Pod web;

    @CriContainer(pod = "wbe", image = "podgate:busybox")
    Container sidecar;

    @Test
    void t() {}
  }

  @Podgate
  @ExtendWith(FixtureOnly.class)
  static class UnknownBuiltin {
    @PodSandbox
    @CriContainer(name = "c", image = "podgate:redis")
    Pod pod;

    @Test
    void t() {}
  }

  /** Nothing listens on port 1 of loopback: the pull fails at once, while the sandbox is being made. */
  @Podgate
  @ExtendWith(FixtureOnly.class)
  static class UnreachableRegistry {
    @PodSandbox(ports = @PortMapping(containerPort = 80, hostIp = "127.0.0.1"))
    @CriContainer(name = "c", image = "127.0.0.1:1/podgate/none:1")
    Pod pod;

    @Test
    void t() {}
  }

  @Podgate
  @ExtendWith(FixtureOnly.class)
  static class PortZeroJson {
    @PodSandbox(config = "portzero.json")
    Pod pod;

    @Test
    void t() {}
  }

  static String failureOf(Class<?> fixture) {
    EngineExecutionResults results = Fixtures.run(fixture);
    assertThat(results.testEvents().succeeded().count()).isZero();
    assertThat(results.allEvents().failed().count()).isPositive();
    Fixtures.assertNoPodsLeft(session());
    return Fixtures.failures(results);
  }

  @Test
  void negativeContainerPort() {
    assertThat(failureOf(NegativePort.class))
        .contains("@PodSandbox on field NegativePort.pod: ports[0].containerPort = -80 is out of range 1..65535");
  }

  @Test
  void hostPortOutOfRange() {
    assertThat(failureOf(HostPortOutOfRange.class))
        .contains("@PodSandbox on field HostPortOutOfRange.pod: ports[0].hostPort = 70000 is out of range 0..65535");
  }

  @Test
  void emptyImage() {
    assertThat(failureOf(EmptyImage.class))
        .contains("@CriContainer(name = \"c\") of @PodSandbox on field EmptyImage.pod: image is empty");
  }

  @Test
  void missingJsonFile() {
    assertThat(failureOf(MissingJson.class))
        .contains("@PodSandbox on field MissingJson.pod: config = \"no-such-pod-sandbox.json\" is neither a classpath resource nor a file");
  }

  @Test
  void unknownJsonField() {
    assertThat(failureOf(UnknownJsonField.class))
        .contains("@PodSandbox on field UnknownJsonField.pod: config = \"unknown-field-pod.json\" is not a valid PodSandboxConfig JSON")
        .contains("log_directry");
  }

  /** Used to reach the portmap plugin, fail there unnamed and leave a netns and veth behind. */
  @Test
  void containerPortZeroInJsonIsRefusedBeforeAnythingIsCreated() {
    String failure = failureOf(PortZeroJson.class);
    assertThat(failure)
        .contains("@PodSandbox on field PortZeroJson.pod: portzero.json: port_mappings[0].container_port = 0 is out of range 1..65535")
        .doesNotContain("portmap").doesNotContain("Failed to close extension context");
    assertThat(HostState.podLeftovers()).as("host state of pods").isEmpty();
  }

  @Test
  void duplicateContainerName() {
    assertThat(failureOf(DuplicateContainer.class))
        .contains("@CriContainer on field DuplicateContainer.again: duplicate container name \"app\"")
        .contains("@PodSandbox on field DuplicateContainer.pod");
  }

  @Test
  void hostPortAlreadyInUse() throws Exception {
    try (ServerSocket busy = new ServerSocket()) {
      busy.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), BUSY_PORT));
      assertThat(failureOf(HostPortInUse.class))
          .contains("@PodSandbox on field HostPortInUse.clash")
          .contains("host port " + BUSY_PORT + "/TCP on 127.0.0.1 is already in use");
    }
  }

  @Test
  void containerOfAPodThatDoesNotExist() {
    assertThat(failureOf(MissingPod.class))
        .contains("@CriContainer on field MissingPod.sidecar: pod = \"wbe\" names no @PodSandbox")
        .contains("[web]");
  }

  /** The pull runs beside RunPodSandbox: its failure removes the sandbox, its address and its host port. */
  @Test
  void imageThatCannotBePulledLeavesNoSandboxBehind() {
    assertThat(failureOf(UnreachableRegistry.class))
        .contains("@CriContainer(name = \"c\") of @PodSandbox on field UnreachableRegistry.pod: image = \"127.0.0.1:1/podgate/none:1\" is not in the runtime and pulling it through CRI failed")
        .contains("connection refused");
    assertThat(HostState.podLeftovers()).as("host state of pods").isEmpty();
  }

  @Test
  void unknownBuiltinImage() {
    assertThat(failureOf(UnknownBuiltin.class))
        .contains("@CriContainer(name = \"c\") of @PodSandbox on field UnknownBuiltin.pod: image = \"podgate:redis\" is not a built-in image");
  }
}
