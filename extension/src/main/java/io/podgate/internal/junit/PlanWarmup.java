package io.podgate.internal.junit;

import io.podgate.CriContainer;
import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.PortMapping;
import io.podgate.Wait;
import io.podgate.internal.pod.PodProvisioner;
import java.lang.reflect.Field;
import java.util.List;

/**
 * Reads and checks one sample pod declaration the way a test class's are (annotations to a pod spec to
 * CRI configs), creating nothing: in a cold JVM that code costs around 100 ms to load, which the warm-up
 * spends while the runtime attaches instead of before the first pod.
 */
final class PlanWarmup {
  private PlanWarmup() {}

  /** A declaration like a user's: one nginx with a published port and an HTTP wait. */
  static final class Sample {
    @PodSandbox(name = "warmup", ports = @PortMapping(containerPort = 80, hostIp = "127.0.0.1"))
    @CriContainer(name = "nginx", image = "podgate:nginx", waitFor = @Wait(httpPath = "/", httpPort = 80))
    static Pod pod;
  }

  static void run() {
    try {
      List<Field> fields = Declarations.injectable(Sample.class, true);
      for (Declarations.PodDecl d : Declarations.pods(fields, Sample.class.getClassLoader())) {
        PodProvisioner.check(d.spec());
      }
    } catch (RuntimeException | LinkageError e) {
      // a warm-up never fails a run
    }
  }
}
