package io.rms.service.registry;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which scheme, host and port a check-back URL may name ({@code rms.check-back.allowed-hosts}). An
 * entry is {@code [scheme://]host[:port]}:
 *
 * <ul>
 *   <li>no scheme: http or https; {@code https://} or {@code http://} only that one;
 *   <li>{@code *} any host; {@code *.example.com} the domain and its subdomains; anything else one
 *       exact host (case-insensitive; IP literals compare by address, IPv6 in brackets);
 *   <li>no port or {@code :*} any port; {@code :443} only that port (a URL without a port has its
 *       scheme's default port, 80 or 443).
 * </ul>
 *
 * So {@code *} allows everything, {@code https://*:443} any host over https on 443, {@code
 * orders:8080} one host on one port. A malformed entry is a configuration error.
 */
final class HostAllowlist {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final int ANY_PORT = -1;

  private record Entry(String scheme, String host, int port) {
    boolean allows(String candidateScheme, String candidate, int candidatePort) {
      if ((scheme != null && !scheme.equals(candidateScheme))
          || (port != ANY_PORT && port != candidatePort)) {
        return false;
      }
      if (host.equals("*") || host.equals(candidate)) {
        return true;
      }
      return host.startsWith("*.")
          && (candidate.equals(host.substring(2)) || candidate.endsWith(host.substring(1)));
    }
  }

  private final List<Entry> entries;

  HostAllowlist(List<String> patterns) {
    this.entries = patterns.stream().map(HostAllowlist::entry).toList();
  }

  /**
   * True when the host (as a URI names it: IPv6 in brackets) may be called with this scheme (http
   * or https) on this port.
   */
  boolean allows(String scheme, String host, int port) {
    String normalizedScheme = scheme.toLowerCase(Locale.ROOT);
    String normalized = normalize(host);
    return entries.stream().anyMatch(e -> e.allows(normalizedScheme, normalized, port));
  }

  private static Entry entry(String pattern) {
    String p = pattern.trim().toLowerCase(Locale.ROOT);
    String scheme = null;
    if (p.contains("://")) {
      scheme = p.substring(0, p.indexOf("://"));
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw invalid(pattern, "the scheme must be http or https");
      }
      p = p.substring(p.indexOf("://") + 3);
    }
    String host = p;
    String port = null;
    if (p.startsWith("[")) {
      int end = p.indexOf(']');
      if (end < 0) {
        throw invalid(pattern, "an IPv6 address needs its closing bracket");
      }
      host = p.substring(0, end + 1);
      String rest = p.substring(end + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw invalid(pattern, "only :port may follow the address");
        }
        port = rest.substring(1);
      }
    } else if (p.indexOf(':') >= 0) {
      if (p.indexOf(':') != p.lastIndexOf(':')) {
        throw invalid(pattern, "write IPv6 addresses in brackets, e.g. [fd00::1]:8080");
      }
      host = p.substring(0, p.indexOf(':'));
      port = p.substring(p.indexOf(':') + 1);
    }
    boolean wildcard = host.equals("*") || (host.startsWith("*.") && host.length() > 2);
    if (host.isEmpty() || (host.contains("*") && !wildcard) || host.indexOf('*', 1) > 0) {
      throw invalid(pattern, "the host must be *, *.domain or a host");
    }
    return new Entry(scheme, host.startsWith("*") ? host : normalize(host), port(pattern, port));
  }

  private static int port(String pattern, String port) {
    if (port == null || port.equals("*")) {
      return ANY_PORT;
    }
    try {
      int value = Integer.parseInt(port);
      if (value >= 1 && value <= 65535) {
        return value;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw invalid(pattern, "the port must be 1 to 65535 or *");
  }

  /**
   * Lower case; an IP literal in its canonical text, so {@code [fd00:0::1]} equals {@code
   * [fd00::1]}. Never looks anything up in DNS.
   */
  static String normalize(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    InetAddress literal = literal(h);
    if (literal == null) {
      return h;
    }
    String text = literal.getHostAddress();
    return literal instanceof java.net.Inet6Address ? "[" + text + "]" : text;
  }

  /**
   * The address a host names literally (dotted IPv4, or IPv6 in brackets as URIs write it), or null
   * for a host name. No DNS lookup.
   */
  static InetAddress literal(String host) {
    try {
      if (host.startsWith("[") && host.endsWith("]")) {
        // with brackets the JDK parses an IPv6 literal or fails, it never asks DNS
        return InetAddress.getByName(host);
      }
      if (IPV4.matcher(host).matches()) {
        byte[] bytes = new byte[4];
        String[] parts = host.split("\\.");
        for (int i = 0; i < 4; i++) {
          int octet = Integer.parseInt(parts[i]);
          if (octet > 255) {
            return null;
          }
          bytes[i] = (byte) octet;
        }
        return InetAddress.getByAddress(bytes);
      }
    } catch (UnknownHostException notALiteral) {
      // a malformed literal: compared as written, and it will not resolve
    }
    return null;
  }

  private static IllegalArgumentException invalid(String pattern, String why) {
    return new IllegalArgumentException(
        "rms.check-back.allowed-hosts entry '" + pattern + "' is invalid: " + why);
  }
}
