package io.podgate.internal.measure.api;

import io.podgate.PodgateException;
import io.podgate.internal.backend.PodBackend;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Decides, per target, whether a measurement runs from the test JVM's host or from a {@link ClientPods client pod},
 * and keeps the client pods it started until {@link #close()}. Property {@value #PROPERTY}: {@code direct} (always
 * from the JVM), {@code client-pod} (always through a client pod; the backend must offer one), {@code auto} (the
 * default: through a client pod when the backend offers one and a TCP connect from the JVM to the target gets
 * neither an answer nor a refusal within {@link #PROBE_TIMEOUT}). Loopback targets always run from the JVM.
 */
public final class MeasureRoutes implements AutoCloseable {
  public static final String PROPERTY = "podgate.measure.via";
  public static final Duration PROBE_TIMEOUT = Duration.ofMillis(1500);

  /** The values of {@value #PROPERTY}. */
  public enum Mode { DIRECT, CLIENT_POD, AUTO }

  private final Supplier<PodBackend> backend;
  private final Function<String, String> properties;
  private final Consumer<String> progress;
  private final Map<String, Boolean> reachable = new HashMap<>();
  private final Map<String, ClientPods.ClientPod> clients = new HashMap<>();

  public MeasureRoutes(Supplier<PodBackend> backend, Function<String, String> properties, Consumer<String> progress) {
    this.backend = backend;
    this.properties = properties;
    this.progress = progress;
  }

  /** Reads {@value #PROPERTY}; blank or absent is {@code auto}. */
  public static Mode mode(String value) {
    if (value == null || value.isBlank()) {
      return Mode.AUTO;
    }
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "direct" -> Mode.DIRECT;
      case "client-pod" -> Mode.CLIENT_POD;
      case "auto" -> Mode.AUTO;
      default -> throw new PodgateException(PROPERTY + " = '" + value + "' is not known; use direct, client-pod or auto");
    };
  }

  /** The client pod to measure {@code host}:{@code port} from, or empty to measure from the JVM. */
  public synchronized Optional<ClientPods.ClientPod> clientFor(String host, int port) {
    Mode mode = mode(properties.apply(PROPERTY));
    if (mode == Mode.DIRECT || isLoopback(host)) {
      return Optional.empty();
    }
    if (mode == Mode.AUTO && reachable.computeIfAbsent(host + ":" + port, k -> reaches(host, port, PROBE_TIMEOUT))) {
      return Optional.empty();
    }
    Optional<ClientPods> pods;
    PodBackend b;
    try {
      b = backend.get();
      pods = b.capability(ClientPods.class);
    } catch (RuntimeException e) {
      if (mode == Mode.CLIENT_POD) {
        throw e;
      }
      return Optional.empty(); // no runtime to start a client pod on: the direct run reports what it finds
    }
    if (pods.isEmpty()) {
      if (mode == Mode.CLIENT_POD) {
        throw new PodgateException(PROPERTY + " = client-pod, but " + b.describe() + " cannot start client pods (the"
            + " kubernetes and local-cluster backends can); set it to direct or auto");
      }
      return Optional.empty();
    }
    String node = pods.get().nodeOf(host).orElse("");
    ClientPods.ClientPod client = clients.get(node);
    if (client == null) {
      client = pods.get().start(node.isEmpty() ? Optional.empty() : Optional.of(node));
      clients.put(node, client);
      progress.accept("measuring " + host + " through " + client.via() + " (" + PROPERTY + " = "
          + mode.name().toLowerCase(Locale.ROOT).replace('_', '-') + ")");
    }
    return Optional.of(client);
  }

  /** Whether a TCP connect to {@code host:port} is answered (accepted or refused) within {@code timeout}. */
  public static boolean reaches(String host, int port, Duration timeout) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
      return true;
    } catch (ConnectException e) {
      return String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("refused");
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** Deletes the client pods this started. */
  @Override
  public synchronized void close() {
    List<RuntimeException> problems = new ArrayList<>();
    for (ClientPods.ClientPod c : clients.values()) {
      try {
        c.close();
      } catch (RuntimeException e) {
        problems.add(e);
      }
    }
    clients.clear();
    if (!problems.isEmpty()) {
      PodgateException e = new PodgateException("removing measurement client pods failed: " + problems.get(0).getMessage());
      problems.forEach(e::addSuppressed);
      throw e;
    }
  }
}
