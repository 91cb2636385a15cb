package io.podgate.internal.host;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.Status;
import io.podgate.internal.cri.CriClient;
import io.podgate.internal.cri.CriException;
import io.podgate.internal.cri.v1.PodSandboxState;
import io.podgate.internal.cri.v1.PodSandboxStatusResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes a pod sandbox and what its network left on the host. Through CRI first (RemovePodSandbox;
 * when refused, StopPodSandbox retried, then RemovePodSandbox); when the runtime cannot (e.g. its CNI teardown keeps failing, as
 * containerd 1.6 does for a sandbox whose network setup failed half-way), podgate removes the
 * sandbox's network namespace (which takes the host veth with it), the iptables rules naming its
 * address and its CNI result caches itself, the same way the daemon and topology teardowns do.
 */
public final class SandboxRemoval {
  private static final Pattern INET = Pattern.compile("inet (\\d{1,3}(?:\\.\\d{1,3}){3})/");
  private static final int STOP_ATTEMPTS = 3;

  private SandboxRemoval() {}

  /**
   * What became of a sandbox. {@code runtimeError} is the runtime's last refusal (null when CRI removed
   * it); {@code hostProblems} lists host state podgate could not remove either (empty when the host is
   * clean of it).
   */
  public record Outcome(String sandboxId, RuntimeException runtimeError, List<String> hostProblems) {
    /** Whether podgate's CRI calls removed it (false also when it was already gone). */
    public boolean removed() {
      return runtimeError == null;
    }

    /** Whether the sandbox no longer existed when podgate came to remove it. */
    public boolean alreadyGone() {
      return isNotFound(runtimeError);
    }

    public boolean hostClean() {
      return hostProblems.isEmpty();
    }

    /** One line for an error message; empty when everything went. */
    public String describe() {
      if (removed()) {
        return hostClean() ? "" : "sandbox " + sandboxId + " was removed, but podgate could not remove on the host: "
            + String.join("; ", hostProblems);
      }
      if (isNotFound(runtimeError)) {
        return "sandbox " + sandboxId + " no longer exists; something else removed it (" + runtimeError.getMessage() + ")";
      }
      return "the runtime refused to remove sandbox " + sandboxId + " (" + runtimeError.getMessage() + "); "
          + (hostClean()
              ? "podgate removed its network namespace, veth, iptables rules and CNI caches itself; only the runtime's"
                  + " record of it stays until that containerd restarts"
              : "podgate could not remove on the host: " + String.join("; ", hostProblems));
    }
  }

  /**
   * Removes {@code sandboxId}: RemovePodSandbox alone first, which under CRI stops the sandbox and its
   * containers itself (containerd runs the CNI teardown once instead of twice for a Stop then a Remove);
   * when the runtime refuses that (older runtimes want a stopped sandbox), StopPodSandbox (up to three
   * tries) then RemovePodSandbox; on refusal cleans the host side itself.
   */
  public static Outcome remove(CriClient cri, String sandboxId) {
    List<String> hostPortProblems = List.of();
    try {
      // RemovePodSandbox succeeds on a missing sandbox: ask first whose removal it is
      PodSandboxStatusResponse status = cri.podSandboxStatus(sandboxId);
      if (HostPortRules.labelled(status.getStatus().getLabelsMap())) {
        hostPortProblems = removeHostPortRules(sandboxId);
      }
    } catch (RuntimeException e) {
      if (isNotFound(e)) {
        return new Outcome(sandboxId, e, List.of()); // nothing left to remove, but not by us
      }
    }
    Outcome outcome = removeOnce(cri, sandboxId) == null ? new Outcome(sandboxId, null, List.of())
        : stopThenRemove(cri, sandboxId);
    if (hostPortProblems.isEmpty()) {
      return outcome;
    }
    List<String> problems = new ArrayList<>(outcome.hostProblems());
    problems.addAll(hostPortProblems);
    return new Outcome(sandboxId, outcome.runtimeError(), problems);
  }

  /** Its host ports go first, as portmap's go when the runtime stops the sandbox's network. */
  private static List<String> removeHostPortRules(String sandboxId) {
    try {
      HostPortRules.removeOf(sandboxId);
      return List.of();
    } catch (RuntimeException e) {
      return List.of("the iptables rules of its host ports: " + e.getMessage());
    }
  }

  private static Outcome stopThenRemove(CriClient cri, String sandboxId) {
    RuntimeException error = null;
    for (int attempt = 1; attempt <= STOP_ATTEMPTS; attempt++) {
      try {
        cri.stopPodSandbox(sandboxId);
        error = null;
        break;
      } catch (RuntimeException e) {
        if (isNotFound(e)) {
          return new Outcome(sandboxId, null, List.of()); // the RemovePodSandbox before took it after all
        }
        error = e;
        pause(attempt);
      }
    }
    if (error == null) {
      error = removeOnce(cri, sandboxId);
      if (error == null) {
        return new Outcome(sandboxId, null, List.of());
      }
    }
    return new Outcome(sandboxId, error, cleanHost(cri, sandboxId));
  }

  /** RemovePodSandbox once: null when the sandbox is gone after it, else the runtime's refusal. */
  private static RuntimeException removeOnce(CriClient cri, String sandboxId) {
    try {
      cri.removePodSandbox(sandboxId);
      return null;
    } catch (RuntimeException e) {
      return isNotFound(e) ? null : e;
    }
  }

  /** The network namespace, addresses and caches of a sandbox the runtime will not tear down; returns what stayed. */
  static List<String> cleanHost(CriClient cri, String sandboxId) {
    List<String> problems = new ArrayList<>();
    Optional<Path> netns;
    String podIp;
    try {
      PodSandboxStatusResponse status = cri.podSandboxStatus(sandboxId, true);
      if (status.getStatus().getState() == PodSandboxState.SANDBOX_READY) {
        // its processes still hold the namespace: deleting the file would free nothing
        return List.of("sandbox " + sandboxId + " still runs; only its runtime can remove it");
      }
      netns = networkNamespace(status.getInfoOrDefault("info", ""));
      podIp = status.getStatus().getNetwork().getIp();
    } catch (RuntimeException e) {
      return List.of("cannot read the status of sandbox " + sandboxId + " to find its network namespace: " + e.getMessage());
    }
    Set<String> addresses = new LinkedHashSet<>();
    if (!podIp.isEmpty()) {
      addresses.add(podIp);
    }
    if (netns.isPresent() && Files.exists(netns.get())) {
      HostCommand.Result addrs = HostCommand.run(List.of("nsenter", "--net=" + netns.get(), "--", "ip", "-4", "-o", "addr"));
      Matcher m = INET.matcher(addrs.output());
      while (m.find()) {
        if (!m.group(1).startsWith("127.")) {
          addresses.add(m.group(1));
        }
      }
      problems.addAll(NetworkNamespaces.delete(netns.get()));
    }
    for (String address : addresses) {
      try {
        IptablesCleanup.clean(Ipv4Subnet.parse(address + "/32"), false);
      } catch (RuntimeException e) {
        problems.add("iptables rules naming " + address + ": " + e.getMessage());
      }
    }
    problems.addAll(CniResults.deleteOf(List.of(sandboxId)));
    return problems;
  }

  /** The network namespace path in containerd's verbose sandbox info (its runtime spec), if any. */
  static Optional<Path> networkNamespace(String info) {
    if (info.isBlank()) {
      return Optional.empty();
    }
    try {
      for (JsonNode ns : Json.mapper().readTree(info).path("runtimeSpec").path("linux").path("namespaces")) {
        if (ns.path("type").asText().equals("network") && !ns.path("path").asText().isEmpty()) {
          return Optional.of(Path.of(ns.path("path").asText()));
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  private static boolean isNotFound(RuntimeException e) {
    return e instanceof CriException c && c.code() == Status.Code.NOT_FOUND;
  }

  private static void pause(int attempt) {
    if (attempt >= STOP_ATTEMPTS) {
      return;
    }
    try {
      Thread.sleep(Duration.ofMillis(200L * attempt).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
