package io.rms.service.registry;

import io.rms.service.config.RmsProperties;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Where check-back calls may go (docs/design.md §8: an admin registers the URL, it never comes from
 * a message). A URL passes when it is http or https with a host and no user info, its scheme, host
 * and port are on {@code rms.check-back.allowed-hosts} ({@link HostAllowlist}), and the addresses
 * its host resolves to pass {@link BlockedAddresses} (metadata endpoints and link-local always;
 * loopback unless {@code rms.check-back.allow-loopback}; private and other non-public ranges with
 * {@code rms.check-back.block-private-addresses}).
 *
 * <p>The rules are applied three times: to configuration at start-up ({@link #checkUrl}, no DNS),
 * when an admin registers a URL ({@link #register}, resolving the host), and before every call
 * ({@link #resolve}), whose caller connects only to the addresses that passed, so a DNS answer that
 * changes after registration (DNS rebinding) cannot send a call anywhere else.
 */
@Component
public class CheckBackTargets {

  /** Looks a host name up (the JVM's resolver; tests script it). */
  @FunctionalInterface
  public interface Resolver {
    List<InetAddress> resolve(String host) throws UnknownHostException;
  }

  /**
   * A URL that passed, with what a call needs.
   *
   * @param host the host as it goes into the {@code Host} header and TLS server name (IPv6 without
   *     brackets)
   * @param port the port, the scheme's default if the URL names none
   * @param addresses every address the host resolved to; all passed, the call uses these only
   */
  public record Target(
      URI uri, String host, int port, boolean https, List<InetAddress> addresses) {}

  /** Why a URL may not be used; the message names the rule and what to change. */
  public static final class Refused extends IllegalArgumentException {
    Refused(String reason) {
      super(reason, null);
    }
  }

  private final HostAllowlist allowlist;
  private final boolean blockPrivate;
  private final boolean allowLoopback;
  private final Resolver resolver;
  private final String label;
  private final String setting;
  private final String loopbackHint;

  @Autowired
  CheckBackTargets(RmsProperties properties) {
    this(
        properties.checkBack().allowedHosts(),
        properties.checkBack().blockPrivateAddresses(),
        properties.checkBack().allowLoopback(),
        host -> List.of(InetAddress.getAllByName(host)));
  }

  /**
   * With the allowlist, whether private addresses are blocked, whether loopback is allowed (an
   * explicit opt-in for producers on this host), and the resolver.
   */
  public CheckBackTargets(
      List<String> allowedHosts, boolean blockPrivate, boolean allowLoopback, Resolver resolver) {
    this(
        "check-back",
        "rms.check-back",
        "rms.check-back.allow-loopback is false",
        allowedHosts,
        blockPrivate,
        allowLoopback,
        resolver);
  }

  /**
   * The same rules for another kind of outbound call: {@code label} names it in refusals ("push"),
   * {@code setting} is its configuration prefix, {@code loopbackHint} says how loopback is allowed.
   */
  CheckBackTargets(
      String label,
      String setting,
      String loopbackHint,
      List<String> allowedHosts,
      boolean blockPrivate,
      boolean allowLoopback,
      Resolver resolver) {
    this.label = label;
    this.setting = setting;
    this.loopbackHint = loopbackHint;
    this.allowlist = new HostAllowlist(allowedHosts);
    this.blockPrivate = blockPrivate;
    this.allowLoopback = allowLoopback;
    this.resolver = resolver;
  }

  /**
   * What the URL itself says: user info, scheme, host and port against the allowlist, and a literal
   * IP address against the address rules. No DNS lookup (configuration is read at start-up, when
   * producers may not be resolvable yet; every call is checked again).
   */
  public URI checkUrl(String url) {
    return parse(url).uri();
  }

  /**
   * An admin registers or changes a URL: {@link #checkUrl}, then every address the host resolves to
   * now. With private addresses blocked a host that does not resolve is refused (it cannot be shown
   * to be public); otherwise it is accepted and checked again at call time.
   */
  public URI register(String url) {
    return registered(parse(url));
  }

  /**
   * What an admin's form or request stores as the check-back URL: null for none (null or blank),
   * else the trimmed URL once {@link #register} accepted it.
   */
  public String registrable(String url) {
    if (url == null || url.isBlank()) {
      return null;
    }
    register(url.trim());
    return url.trim();
  }

  private URI registered(Parsed parsed) {
    if (parsed.literal() == null) {
      try {
        check(parsed, resolver.resolve(parsed.host()));
      } catch (UnknownHostException e) {
        if (blockPrivate) {
          throw new Refused(
              label
                  + " host "
                  + parsed.host()
                  + " does not resolve, so it cannot be checked against "
                  + setting
                  + ".block-private-addresses");
        }
      }
    }
    return parsed.uri();
  }

  /**
   * Before a call: {@link #checkUrl}, then resolves the host; every address must pass, and the call
   * connects to these addresses only.
   */
  public Target resolve(String url) {
    Parsed parsed = parse(url);
    List<InetAddress> addresses;
    if (parsed.literal() != null) {
      addresses = List.of(parsed.literal());
    } else {
      try {
        addresses = resolver.resolve(parsed.host());
      } catch (UnknownHostException e) {
        throw new Refused(label + " host " + parsed.host() + " does not resolve");
      }
      if (addresses.isEmpty()) {
        throw new Refused(label + " host " + parsed.host() + " does not resolve");
      }
      check(parsed, addresses);
    }
    return new Target(parsed.uri(), parsed.host(), parsed.port(), parsed.https(), addresses);
  }

  private record Parsed(URI uri, String host, int port, boolean https, InetAddress literal) {}

  private Parsed parse(String url) {
    if (url == null || url.isBlank()) {
      throw new Refused("no " + label + " URL");
    }
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (java.net.URISyntaxException e) {
      throw new Refused(label + " URL is not a URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new Refused(label + " URL must be http or https");
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null) {
      throw new Refused(label + " URL needs a host and no user info");
    }
    boolean https = scheme.equals("https");
    int port = uri.getPort() == -1 ? (https ? 443 : 80) : uri.getPort();
    String host = uri.getHost();
    if (!allowlist.allows(scheme, host, port)) {
      throw new Refused(
          label
              + " URL "
              + scheme
              + "://"
              + host
              + ":"
              + port
              + " is not on "
              + setting
              + ".allowed-hosts");
    }
    InetAddress literal = HostAllowlist.literal(host.toLowerCase(Locale.ROOT));
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    Parsed parsed = new Parsed(uri, bare, port, https, literal);
    if (literal != null) {
      check(parsed, List.of(literal));
    }
    return parsed;
  }

  private void check(Parsed parsed, List<InetAddress> addresses) {
    for (InetAddress address : addresses) {
      String refusal = BlockedAddresses.refusal(address, blockPrivate, allowLoopback);
      if (refusal != null) {
        throw new Refused(
            label
                + " host "
                + parsed.host()
                + (parsed.literal() != null
                    ? " is " + refusal
                    : " resolves to " + address.getHostAddress() + ", " + refusal)
                + hint(address));
      }
    }
  }

  /** The setting that refused the address, when it is not refused either way. */
  private String hint(InetAddress address) {
    if (BlockedAddresses.refusal(address, false, true) != null) {
      return "";
    }
    if (BlockedAddresses.refusal(address, false, false) != null) {
      return " (" + loopbackHint + ")";
    }
    return " (" + setting + ".block-private-addresses)";
  }
}
