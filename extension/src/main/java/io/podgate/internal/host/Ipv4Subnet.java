package io.podgate.internal.host;

import io.podgate.PodgateException;

/** An IPv4 network in CIDR form, e.g. {@code 10.201.0.0/24}. */
public record Ipv4Subnet(int network, int prefix) {
  public Ipv4Subnet {
    if (prefix < 0 || prefix > 32) {
      throw new IllegalArgumentException("prefix must be 0..32, got " + prefix);
    }
    if ((network & ~mask(prefix)) != 0) {
      throw new IllegalArgumentException("network " + format(network) + " has host bits set for /" + prefix);
    }
  }

  /** Parses {@code a.b.c.d/n}; host bits must be zero. */
  public static Ipv4Subnet parse(String cidr) {
    String[] parts = cidr == null ? new String[0] : cidr.strip().split("/", -1);
    if (parts.length != 2) {
      throw new PodgateException("pod subnet '" + cidr + "' is not IPv4 CIDR notation like 10.201.0.0/24");
    }
    int address = parseAddress(parts[0], cidr);
    int prefix;
    try {
      prefix = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new PodgateException("pod subnet '" + cidr + "' has no numeric prefix length after '/'");
    }
    if (prefix < 0 || prefix > 32) {
      throw new PodgateException("pod subnet '" + cidr + "': prefix length must be 0..32");
    }
    if ((address & ~mask(prefix)) != 0) {
      throw new PodgateException("pod subnet '" + cidr + "' has host bits set; did you mean "
          + format(address & mask(prefix)) + "/" + prefix + "?");
    }
    return new Ipv4Subnet(address, prefix);
  }

  /** Parses a dotted IPv4 address; {@code context} names the input in the error. */
  public static int parseAddress(String text, String context) {
    String[] o = text.split("\\.", -1);
    if (o.length != 4) {
      throw new PodgateException("'" + context + "' does not hold an IPv4 address");
    }
    int v = 0;
    for (String part : o) {
      int b;
      try {
        b = Integer.parseInt(part);
      } catch (NumberFormatException e) {
        throw new PodgateException("'" + context + "' does not hold an IPv4 address");
      }
      if (b < 0 || b > 255) {
        throw new PodgateException("'" + context + "' has an octet out of range: " + part);
      }
      v = (v << 8) | b;
    }
    return v;
  }

  public static int mask(int prefix) {
    return prefix == 0 ? 0 : -1 << (32 - prefix);
  }

  public static String format(int address) {
    return ((address >>> 24) & 255) + "." + ((address >>> 16) & 255) + "." + ((address >>> 8) & 255) + "."
        + (address & 255);
  }

  /** First host address, used as the bridge's gateway. */
  public String gateway() {
    return format(network + 1);
  }

  public String networkAddress() {
    return format(network);
  }

  public boolean contains(int address) {
    return (address & mask(prefix)) == network;
  }

  public boolean contains(String dotted) {
    return contains(parseAddress(dotted, dotted));
  }

  public boolean overlaps(Ipv4Subnet other) {
    int common = Math.min(prefix, other.prefix);
    return (network & mask(common)) == (other.network & mask(common));
  }

  @Override
  public String toString() {
    return format(network) + "/" + prefix;
  }
}
