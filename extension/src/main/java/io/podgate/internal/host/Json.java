package io.podgate.internal.host;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One Jackson mapper for podgate's internal JSON (runtime status, OCI archives, CNI results), made on
 * first use: loading Jackson costs a cold JVM over 100 ms, which a run that reads no JSON (a pod on a
 * reused runtime) does not pay.
 */
public final class Json {
  private Json() {}

  private static final class Holder {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }

  /** The shared mapper (thread-safe once configured; podgate never reconfigures it). */
  public static ObjectMapper mapper() {
    return Holder.MAPPER;
  }
}
