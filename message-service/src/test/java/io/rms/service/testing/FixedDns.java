package io.rms.service.testing;

import io.rms.service.registry.CheckBackTargets;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A {@link CheckBackTargets.Resolver} that answers from a fixed table of host names. */
public final class FixedDns {
  private FixedDns() {}

  /** Resolves each host of {@code table} to its address literals; any other host does not exist. */
  public static CheckBackTargets.Resolver of(Map<String, List<String>> table) {
    return host -> {
      if (!table.containsKey(host)) {
        throw new UnknownHostException(host);
      }
      List<InetAddress> addresses = new ArrayList<>();
      for (String literal : table.get(host)) {
        addresses.add(InetAddress.getByName(literal));
      }
      return addresses;
    };
  }
}
