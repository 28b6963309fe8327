package io.rms.service.registry;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Set;

/**
 * Addresses a check-back call must not reach. Cloud metadata endpoints (169.254.169.254,
 * 168.63.129.16, 100.100.100.200, fd00:ec2::254, 169.254.170.2) and link-local addresses
 * (169.254.0.0/16, fe80::/10, where metadata services and other host-local endpoints live) are
 * always refused (no producer lives there, and they hand out credentials). Loopback (127.0.0.0/8,
 * ::1) and the any-local address (0.0.0.0, ::, which connect to this host) are refused unless
 * {@code rms.check-back.allow-loopback} opts in (tests and the embedded demo, whose producers run
 * on this host). With {@code rms.check-back.block-private-addresses} also everything else that is
 * not a public unicast address: private (site-local, RFC 1918), carrier-grade NAT, unique-local
 * IPv6, multicast and reserved ranges. IPv6 forms that embed an IPv4 address (IPv4-compatible,
 * NAT64 {@code 64:ff9b::/96}, 6to4 {@code 2002::/16}) are judged by that IPv4 address.
 */
final class BlockedAddresses {
  /** AWS/GCP/Azure/Oracle, AWS ECS task metadata, Azure WireServer, Alibaba, AWS IMDS over IPv6. */
  private static final Set<InetAddress> METADATA =
      Set.of(
          address(169, 254, 169, 254),
          address(169, 254, 170, 2),
          address(168, 63, 129, 16),
          address(100, 100, 100, 200),
          literal("[fd00:ec2::254]"));

  private BlockedAddresses() {}

  /** Why the address is refused, or null if a call may go there. */
  static String refusal(InetAddress address, boolean blockPrivate, boolean allowLoopback) {
    InetAddress judged = embeddedIpv4(address);
    if (METADATA.contains(judged) || METADATA.contains(address)) {
      return "a cloud metadata address";
    }
    if (judged.isLinkLocalAddress() || address.isLinkLocalAddress()) {
      return "a link-local address";
    }
    if (!allowLoopback) {
      if (judged.isAnyLocalAddress() || address.isAnyLocalAddress()) {
        return "the any-local address";
      }
      if (judged.isLoopbackAddress() || address.isLoopbackAddress()) {
        return "a loopback address";
      }
    }
    if (!blockPrivate) {
      return null;
    }
    if (judged.isAnyLocalAddress() || judged.isLoopbackAddress()) {
      return null;
    }
    if (judged.isSiteLocalAddress()) {
      return "a private (site-local) address";
    }
    if (judged.isMulticastAddress()) {
      return "a multicast address";
    }
    byte[] b = judged.getAddress();
    if (judged instanceof Inet6Address) {
      return (b[0] & 0xfe) == 0xfc ? "a unique-local IPv6 address" : null;
    }
    int first = b[0] & 0xff;
    int second = b[1] & 0xff;
    if (first == 0) {
      return "a 'this network' address";
    }
    if (first == 100 && (second & 0xc0) == 64) {
      return "a carrier-grade NAT (shared) address";
    }
    if ((first == 192 && second == 0 && b[2] == 0) || (first == 198 && (second & 0xfe) == 18)) {
      return "a special-purpose address";
    }
    if (first >= 240) {
      return "a reserved address";
    }
    return null;
  }

  /** The IPv4 address an IPv6 address carries (compatible, NAT64, 6to4), else the address. */
  private static InetAddress embeddedIpv4(InetAddress address) {
    if (!(address instanceof Inet6Address v6) || v6.isLoopbackAddress() || v6.isAnyLocalAddress()) {
      return address;
    }
    byte[] b = v6.getAddress();
    byte[] v4 = null;
    if (v6.isIPv4CompatibleAddress()) {
      v4 = Arrays.copyOfRange(b, 12, 16);
    } else if (startsWith(b, 0x00, 0x64, 0xff, 0x9b) && allZero(b, 4, 12)) {
      v4 = Arrays.copyOfRange(b, 12, 16);
    } else if (startsWith(b, 0x20, 0x02)) {
      v4 = Arrays.copyOfRange(b, 2, 6);
    }
    if (v4 == null) {
      return address;
    }
    try {
      return InetAddress.getByAddress(v4);
    } catch (UnknownHostException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  private static boolean startsWith(byte[] bytes, int... prefix) {
    for (int i = 0; i < prefix.length; i++) {
      if ((bytes[i] & 0xff) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean allZero(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static InetAddress address(int a, int b, int c, int d) {
    try {
      return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
    } catch (UnknownHostException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  private static InetAddress literal(String bracketed) {
    InetAddress address = HostAllowlist.literal(bracketed);
    if (address == null) {
      throw new IllegalStateException("not a literal: " + bracketed);
    }
    return address;
  }
}
