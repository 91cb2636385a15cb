package io.podgate.kubernetes.internal.backend;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.podgate.PodgateException;
import io.podgate.internal.host.PodgateLabels;
import io.podgate.internal.image.StandardImages;
import io.podgate.internal.measure.api.ClientPods;
import io.podgate.internal.measure.iperf.CommandRunner;
import io.podgate.internal.measure.iperf.ContainerCommandRunner;
import io.podgate.internal.pod.ContainerSpec.WaitSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Client pods for measurements the test JVM cannot make itself: {@code podgate:client} with {@code hostNetwork: true},
 * made by the backend like any pod of the session (its labels, namespace, {@code activeDeadlineSeconds}, image
 * import or node check), so the session's cleanup and the crash reaper remove them too.
 */
final class MeasureClientPods implements ClientPods {
  /** Label every client pod carries, with value {@value #ROLE}. */
  static final String ROLE_LABEL = "io.podgate.role";
  static final String ROLE = "measure-client";
  private static final String CONTAINER = "client";
  private static final String ORIGIN = "podgate's measurement client pod";

  private final KubernetesPodBackend backend;

  MeasureClientPods(KubernetesPodBackend backend) {
    this.backend = backend;
  }

  @Override
  public Optional<String> nodeOf(String podIp) {
    List<Pod> pods;
    try {
      pods = backend.client().pods().inNamespace(backend.namespace())
          .withLabel(PodgateLabels.SESSION, backend.ownerLabels().get(PodgateLabels.SESSION)).list().getItems();
    } catch (RuntimeException e) {
      throw KubeClients.failure("finding the node of pod IP " + podIp + " (list pods of " + backend.namespace() + ")", e);
    }
    return pods.stream()
        .filter(p -> p.getStatus() != null && podIp.equals(p.getStatus().getPodIP()) && p.getSpec().getNodeName() != null)
        .filter(p -> !Boolean.TRUE.equals(p.getSpec().getHostNetwork())) // a hostNetwork pod's IP is its node's
        .map(p -> p.getSpec().getNodeName()).findFirst();
  }

  @Override
  public ClientPod start(Optional<String> node) {
    Pod pod = new PodBuilder().withNewMetadata().withLabels(Map.of(PodTranslator.POD_LABEL, ROLE, ROLE_LABEL, ROLE))
        .endMetadata().withNewSpec()
        .withRestartPolicy("Never")
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .withTerminationGracePeriodSeconds(1L)
        .withActiveDeadlineSeconds(KubernetesPodBackend.ACTIVE_DEADLINE_SECONDS)
        .withHostNetwork(true)
        .addNewContainer().withName(CONTAINER)
        .withCommand("/bin/sh", "-c", StandardImages.SLEEP_FOREVER_SCRIPT).endContainer()
        .endSpec().build();
    KubePlan plan = new KubePlan(ORIGIN, ROLE, "default", pod,
        List.of(new KubePlan.ContainerPlan(CONTAINER, ORIGIN, "podgate:client", WaitSpec.running())), List.of(),
        List.of("network"));
    KubePod made;
    try {
      made = backend.create(plan, Map.of(), null, node.orElse(null));
    } catch (RuntimeException e) {
      throw new PodgateException("starting a measurement client pod" + node.map(n -> " on node " + n).orElse("")
          + " failed (the test JVM cannot reach pod IPs, or podgate.measure.via = client-pod): " + e.getMessage(), e);
    }
    String on;
    try {
      Pod live = backend.client().pods().inNamespace(made.clusterNamespace()).withName(made.objectName()).get();
      on = live == null ? node.orElse("?") : live.getSpec().getNodeName();
    } catch (RuntimeException e) {
      made.close();
      throw KubeClients.failure("reading the node of client pod " + made.objectName(), e);
    }
    String via = "client pod " + made.clusterNamespace() + "/" + made.objectName() + " on node " + on + ", hostNetwork";
    CommandRunner runner = new ContainerCommandRunner(made.containerHandles().get(0), via);
    return new ClientPod() {
      @Override
      public CommandRunner runner() {
        return runner;
      }

      @Override
      public String via() {
        return via;
      }

      @Override
      public void close() {
        made.close();
      }
    };
  }
}
