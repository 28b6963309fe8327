package io.rms.service.registry;

import io.rms.service.config.RmsProperties;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Where push subscriptions may deliver (docs/design.md §10): the check-back rules of {@link
 * CheckBackTargets} (http or https, no user info, the allowlist, metadata and link-local addresses
 * always refused) under {@code rms.push.allowed-hosts}. Loopback targets are refused unless an
 * allowlist entry names a loopback host explicitly (a receiver on this host: tests, a sidecar).
 */
@Component
public class PushTargets {
  private static final Set<String> LOOPBACK_HOSTS =
      Set.of("localhost", "127.0.0.1", "[::1]", "::1");

  private final CheckBackTargets rules;

  @Autowired
  PushTargets(RmsProperties properties) {
    this(
        properties.push().allowedHosts(),
        properties.push().blockPrivateAddresses(),
        host -> List.of(InetAddress.getAllByName(host)));
  }

  /** With the allowlist, whether private addresses are blocked, and the resolver. */
  public PushTargets(
      List<String> allowedHosts, boolean blockPrivate, CheckBackTargets.Resolver resolver) {
    this.rules =
        new CheckBackTargets(
            "push",
            "rms.push",
            "name the loopback host in rms.push.allowed-hosts to allow it",
            allowedHosts,
            blockPrivate,
            allowedHosts.stream().anyMatch(PushTargets::namesLoopback),
            resolver);
  }

  /** What the URL itself says, without DNS (configuration at start-up; every push checks again). */
  public URI checkUrl(String url) {
    return rules.checkUrl(url);
  }

  /** The URL an admin registers, checked now (resolving its host); refused with the reason. */
  public URI register(String url) {
    return rules.register(url);
  }

  /** Before every push: the URL checked again and the addresses the call may connect to. */
  public CheckBackTargets.Target resolve(String url) {
    return rules.resolve(url);
  }

  private static boolean namesLoopback(String entry) {
    String host = entry.trim().toLowerCase(Locale.ROOT).replaceFirst("^[a-z]+://", "");
    if (host.startsWith("[")) {
      host = host.substring(0, host.indexOf(']') + 1);
    } else if (host.contains(":")) {
      host = host.substring(0, host.indexOf(':'));
    }
    return LOOPBACK_HOSTS.contains(host) || host.startsWith("127.");
  }
}
