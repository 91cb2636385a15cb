package io.podgate.internal.junit;

import io.podgate.internal.host.PodgateLabels;
import static org.assertj.core.api.Assertions.assertThat;

import io.podgate.Container;
import io.podgate.ContainerState;
import io.podgate.CriContainer;
import io.podgate.ExecResult;
import io.podgate.HostPort;
import io.podgate.Pod;
import io.podgate.PodIp;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import io.podgate.PortMapping;
import io.podgate.Wait;
import io.podgate.testsupport.FixtureOnly;
import io.podgate.testsupport.Fixtures;
import io.podgate.testsupport.RequiresContainerd;
import io.podgate.testsupport.SessionTestBase;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/** Pods, containers, IPs and host ports reach fields and parameters; httpd answers on both paths. */
@RequiresContainerd
class InjectionTest extends SessionTestBase {
  static final String HTTPD = "mkdir -p /www && echo podgate-httpd > /www/index.html && exec httpd -f -v -p 8080 -h /www";
  static final List<String> SEEN = new CopyOnWriteArrayList<>();

  @Podgate
  @ExtendWith(FixtureOnly.class)
  static class Web {
    @PodSandbox(name = "web", labels = "team=podgate", ports = @PortMapping(containerPort = 8080))
    @CriContainer(name = "httpd", image = "podgate:busybox", command = {"sh", "-c", HTTPD},
        waitFor = @Wait(httpPath = "/index.html", httpPort = 8080, timeoutSeconds = 30))
    Pod web;

    @CriContainer(pod = "web", image = "podgate:busybox", command = {"sleep", "3600"}, env = "GREETING=hello pod")
    Container shell;

    @CriContainer(pod = "web", name = "httpd")
    Container httpd;

    @PodIp("web")
    String ip;

    @PodIp("web")
    InetAddress address;

    @HostPort(pod = "web", containerPort = 8080)
    int hostPort;

    @Test
    void fieldsAreInjected() throws Exception {
      assertThat(web.name()).isEqualTo("web");
      assertThat(web.namespace()).isEqualTo("default");
      assertThat(web.labels()).containsEntry("team", "podgate").containsKey(PodgateLabels.SESSION)
          .containsEntry(PodgateLabels.OWNER_PID, Long.toString(ProcessHandle.current().pid()));
      assertThat(ip).isEqualTo(web.ip()).matches(InjectionTest::inPodSubnet, "an address of the pod subnet " + System.getProperty("podgate.subnet"));
      assertThat(address.getHostAddress()).isEqualTo(ip);
      assertThat(web.containers()).extracting(Container::name).containsExactlyInAnyOrder("httpd", "shell");
      assertThat(httpd.id()).isEqualTo(web.container("httpd").id());
      assertThat(shell.image()).isEqualTo("podgate:busybox");
      assertThat(hostPort).isEqualTo(web.hostPort(8080)).isPositive().isNotEqualTo(8080);

      assertThat(fetch("http://" + ip + ":8080/index.html")).isEqualTo("podgate-httpd\n");
      assertThat(fetch("http://127.0.0.1:" + hostPort + "/index.html")).isEqualTo("podgate-httpd\n");
      // the containers share the pod's network namespace
      assertThat(shell.exec("wget", "-q", "-O", "-", "http://127.0.0.1:8080/index.html").stdout()).isEqualTo("podgate-httpd\n");

      ExecResult env = shell.exec("sh", "-c", "echo \"$GREETING\"; echo oops >&2; exit 3");
      assertThat(env).isEqualTo(new ExecResult(3, "hello pod\n", "oops\n"));
      assertThat(shell.exec(Duration.ofSeconds(5), "true").succeeded()).isTrue();
      assertThat(httpd.status().state()).isEqualTo(ContainerState.State.RUNNING);
      assertThat(httpd.logs()).contains("response:200");
      SEEN.add(web.id());
    }

    @Test
    void parametersAreInjected(
        @PodSandbox(name = "solo") @CriContainer(name = "box", image = "podgate:busybox", command = {"sleep", "3600"}) Pod solo,
        @CriContainer(pod = "solo", name = "box") Container box,
        @PodIp("solo") String soloIp,
        @PodIp("web") InetAddress webAddress,
        @HostPort(pod = "web", containerPort = 8080) int webPort) throws Exception {
      assertThat(solo.name()).isEqualTo("solo");
      assertThat(box.id()).isEqualTo(solo.container("box").id());
      assertThat(soloIp).isEqualTo(solo.ip()).isNotEqualTo(web.ip());
      assertThat(webAddress.getHostAddress()).isEqualTo(web.ip());
      assertThat(webPort).isEqualTo(hostPort);
      // pod to pod over the pod network
      assertThat(box.exec("wget", "-q", "-O", "-", "http://" + web.ip() + ":8080/index.html").stdout())
          .isEqualTo("podgate-httpd\n");
      SEEN.add(web.id());
      SEEN.add(solo.id());
    }
  }

  static String fetch(String url) throws Exception {
    try (InputStream in = URI.create(url).toURL().openStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void podsReachFieldsAndParametersAndAreRemovedAfterwards() {
    SEEN.clear();
    EngineExecutionResults results = Fixtures.run(Web.class);
    assertThat(results.testEvents().failed().count()).as(Fixtures.failures(results)).isZero();
    assertThat(results.testEvents().succeeded().count()).isEqualTo(2);
    assertThat(SEEN).hasSize(3).doesNotHaveDuplicates();

    List<Map<String, String>> reports = results.allEvents().reportingEntryPublished().stream()
        .map(e -> e.getRequiredPayload(org.junit.platform.engine.reporting.ReportEntry.class).getKeyValuePairs())
        .toList();
    assertThat(reports).filteredOn(r -> "default/web".equals(r.get("podgate.pod"))).hasSize(2)
        .allSatisfy(r -> {
          assertThat(r.get("podgate.pod.ip")).matches(InjectionTest::inPodSubnet, "an address of the pod subnet " + System.getProperty("podgate.subnet"));
          assertThat(r.get("podgate.pod.images")).contains("httpd=podgate:busybox", "shell=podgate:busybox");
          assertThat(r).containsKeys("podgate.pod.id", "podgate.pod.createMs", "podgate.pod.startMs", "podgate.pod.readyMs");
        });
    assertThat(reports).extracting(r -> r.get("podgate.pod.id")).containsAll(SEEN);
    Fixtures.assertNoPodsLeft(session());
  }

  static boolean inPodSubnet(String ip) {
    return io.podgate.internal.host.Ipv4Subnet.parse(System.getProperty("podgate.subnet", "10.88.0.0/16")).contains(ip);
  }
}
