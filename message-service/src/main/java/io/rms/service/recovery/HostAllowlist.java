package io.rms.service.recovery;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Which hosts a registered check-back URL may name: {@code *} any, {@code *.example.com} the domain
 * and its subdomains, otherwise the exact host. Only http and https, no user info.
 */
final class HostAllowlist {
  private final List<String> patterns;

  HostAllowlist(List<String> patterns) {
    this.patterns = patterns.stream().map(p -> p.trim().toLowerCase(Locale.ROOT)).toList();
  }

  /** The URL as a URI if it may be called; throws {@link IllegalArgumentException} otherwise. */
  URI check(String url) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("check-back URL is not a URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("check-back URL must be http or https");
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("check-back URL needs a host and no user info");
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    for (String pattern : patterns) {
      if (pattern.equals("*")
          || pattern.equals(host)
          || (pattern.startsWith("*.")
              && (host.equals(pattern.substring(2)) || host.endsWith(pattern.substring(1))))) {
        return uri;
      }
    }
    throw new IllegalArgumentException("check-back host " + host + " is not allowed");
  }
}
