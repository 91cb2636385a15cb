package io.podgate.internal.report;

/** The kinds of measurement a report holds; {@link #json()} is the name written to files. */
public enum ReportKind {
  THROUGHPUT("throughput"),
  HTTP("http"),
  CHURN("churn"),
  COMPARISON("comparison"),
  CRI_LATENCY("cri-latency"),
  /** The bench's "time a user waits" figures: per tool and scenario medians, podgate's phases, ratios. */
  USER_WAIT("user-wait");

  private final String json;

  ReportKind(String json) {
    this.json = json;
  }

  public String json() {
    return json;
  }

  public static ReportKind fromJson(String name) {
    for (ReportKind k : values()) {
      if (k.json.equals(name)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown measurement kind '" + name + "'");
  }
}
