package io.podgate.internal.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import io.podgate.internal.host.Json;
import io.podgate.internal.cri.v1.RuntimeCondition;
import io.podgate.internal.cri.v1.StatusResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a CRI runtime says about itself in a verbose {@code Status}: its conditions and, for
 * containerd, a few fields of the CRI plugin config it reports as JSON under {@code info["config"]}
 * ({@code sandboxImage}, {@code cni.confDir}, {@code cni.binDir}, {@code restrictOOMScoreAdj}). Fields
 * the runtime does not report are empty.
 */
public record RuntimeStatus(List<Condition> conditions, Optional<String> sandboxImage, Optional<String> cniConfDir,
    Optional<String> cniBinDir, Optional<Boolean> restrictOomScoreAdj) {

  /** One runtime condition, e.g. NetworkReady=false with reason NetworkPluginNotReady. */
  public record Condition(String type, boolean status, String reason, String message) {
    @Override
    public String toString() {
      List<String> said = new ArrayList<>();
      if (!reason.isEmpty()) {
        said.add("reason " + reason);
      }
      if (!message.isEmpty()) {
        said.add("message \"" + message + "\"");
      }
      return type + "=" + status + (said.isEmpty() ? "" : " (" + String.join("; ", said) + ")");
    }
  }

  public static RuntimeStatus of(StatusResponse response) {
    List<Condition> conditions = response.getStatus().getConditionsList().stream()
        .map(RuntimeStatus::condition).toList();
    JsonNode config = parse(response.getInfoOrDefault("config", ""));
    return new RuntimeStatus(conditions, text(config.path("sandboxImage")), text(config.path("cni").path("confDir")),
        text(config.path("cni").path("binDir")),
        config.path("restrictOOMScoreAdj").isBoolean()
            ? Optional.of(config.path("restrictOOMScoreAdj").booleanValue()) : Optional.empty());
  }

  /** RuntimeReady and NetworkReady if the runtime reports them as not met (a missing one does not count). */
  public List<Condition> unmet() {
    return conditions.stream()
        .filter(c -> !c.status() && (c.type().equals("RuntimeReady") || c.type().equals("NetworkReady")))
        .toList();
  }

  private static Condition condition(RuntimeCondition c) {
    return new Condition(c.getType(), c.getStatus(), c.getReason(), c.getMessage());
  }

  private static JsonNode parse(String json) {
    if (json.isBlank()) {
      return Json.mapper().missingNode();
    }
    try {
      return Json.mapper().readTree(json);
    } catch (IOException e) {
      return Json.mapper().missingNode(); // not containerd's format: nothing known
    }
  }

  private static Optional<String> text(JsonNode node) {
    return node.isTextual() && !node.asText().isBlank() ? Optional.of(node.asText()) : Optional.empty();
  }
}
