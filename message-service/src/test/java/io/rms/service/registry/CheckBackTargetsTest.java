package io.rms.service.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rms.service.registry.CheckBackTargets.Refused;
import io.rms.service.registry.CheckBackTargets.Target;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The check-back URL rules, with DNS answers scripted per host. */
class CheckBackTargetsTest {
  private final Map<String, Deque<List<InetAddress>>> dns = new HashMap<>();
  private int lookups;

  private final CheckBackTargets.Resolver resolver =
      host -> {
        lookups++;
        Deque<List<InetAddress>> answers = dns.get(host);
        if (answers == null || answers.isEmpty()) {
          throw new UnknownHostException(host);
        }
        return answers.size() > 1 ? answers.poll() : answers.peek();
      };

  private void answers(String host, String... addresses) {
    Deque<List<InetAddress>> deque = dns.computeIfAbsent(host, h -> new ArrayDeque<>());
    deque.add(List.of(addresses).stream().map(CheckBackTargetsTest::ip).toList());
  }

  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private CheckBackTargets open(boolean blockPrivate) {
    return open(blockPrivate, false);
  }

  private CheckBackTargets open(boolean blockPrivate, boolean allowLoopback) {
    return new CheckBackTargets(List.of("*"), blockPrivate, allowLoopback, resolver);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ftp://producer.example/x",
        "file:///etc/passwd",
        "gopher://producer.example:70/x",
        "http://user:pw@producer.example/x",
        "http://@producer.example/x",
        "http:///no-host",
        "http://exa_mple.com/x",
        "not a url",
        "",
      })
  void onlyHttpOrHttpsUrlsWithAHostAndNoUserInfo(String url) {
    assertThatThrownBy(() -> open(false).checkUrl(url)).isInstanceOf(Refused.class);
    assertThatThrownBy(() -> open(false).register(url)).isInstanceOf(Refused.class);
    assertThatThrownBy(() -> open(false).resolve(url)).isInstanceOf(Refused.class);
  }

  @Test
  void schemeHostAndPortComeFromTheAllowlist() {
    CheckBackTargets targets =
        new CheckBackTargets(
            List.of("http://orders.internal:8080", "https://*.shop.example:443"),
            false,
            false,
            resolver);
    answers("orders.internal", "10.0.0.7");
    answers("eu.shop.example", "203.0.113.9");
    assertThat(targets.register("http://orders.internal:8080/rms/check-back")).isNotNull();
    assertThat(targets.register("https://eu.shop.example/rms/check-back")).isNotNull();
    for (String url :
        List.of(
            "http://orders.internal/rms/check-back",
            "http://orders.internal:9090/rms/check-back",
            "https://orders.internal:8080/rms/check-back",
            "http://eu.shop.example/rms/check-back",
            "https://eu.shop.example:8443/rms/check-back",
            "https://evil.example/rms/check-back")) {
      assertThatThrownBy(() -> targets.register(url))
          .as(url)
          .isInstanceOf(Refused.class)
          .hasMessageContaining("rms.check-back.allowed-hosts");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"169.254.1.1", "169.254.0.1", "fe80::1", "febf::ffff", "::ffff:169.254.9.9"})
  void linkLocalAddressesAreRefusedWithOrWithoutBlockingPrivateAddresses(String address) {
    answers("producer.example", address);
    for (boolean blockPrivate : new boolean[] {false, true}) {
      for (boolean allowLoopback : new boolean[] {false, true}) {
        CheckBackTargets targets = open(blockPrivate, allowLoopback);
        assertThatThrownBy(() -> targets.register("http://producer.example/x"))
            .isInstanceOf(Refused.class)
            .hasMessageContaining("link-local")
            .hasMessageNotContaining("rms.check-back.");
        assertThatThrownBy(() -> targets.resolve("http://producer.example/x"))
            .isInstanceOf(Refused.class)
            .hasMessageContaining("link-local");
      }
    }
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "10.1.2.3, private",
    "172.16.0.1, private",
    "192.168.1.1, private",
    "fc00::1, unique-local",
    "fd12:3456::1, unique-local",
    "224.0.0.1, multicast",
    "ff02::1, multicast",
    "100.64.0.1, carrier-grade NAT",
    "0.1.2.3, this network",
    "240.0.0.1, reserved",
    "255.255.255.255, reserved",
    "::ffff:10.0.0.1, private",
    "::10.0.0.1, private",
    "2002:c0a8:101::1, private",
  })
  void privateAndOtherNonPublicAddressesAreRefusedWhenBlocked(String address, String reason) {
    answers("producer.example", address);
    assertThatThrownBy(() -> open(true).register("http://producer.example/x"))
        .isInstanceOf(Refused.class)
        .hasMessageContaining(reason)
        .hasMessageContaining("rms.check-back.block-private-addresses");
    assertThatThrownBy(() -> open(true).resolve("http://producer.example/x"))
        .isInstanceOf(Refused.class)
        .hasMessageContaining(reason);
    assertThat(open(false).resolve("http://producer.example/x").addresses())
        .as("allowed without the option (local development)")
        .containsExactly(ip(address));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "127.0.0.1, loopback",
    "127.8.9.10, loopback",
    "127.255.255.254, loopback",
    "::1, loopback",
    "::ffff:127.0.0.1, loopback",
    "::127.0.0.1, loopback",
    "64:ff9b::7f00:1, loopback",
    "2002:7f00:1::1, loopback",
    "0.0.0.0, any-local",
    "::, any-local",
  })
  void loopbackAndAnyLocalAddressesAreRefusedUnlessLoopbackIsExplicitlyAllowed(
      String address, String reason) {
    answers("producer.example", address);
    for (boolean blockPrivate : new boolean[] {false, true}) {
      CheckBackTargets targets = open(blockPrivate, false);
      assertThatThrownBy(() -> targets.register("http://producer.example/x"))
          .isInstanceOf(Refused.class)
          .hasMessageContaining(reason)
          .hasMessageContaining("rms.check-back.allow-loopback");
      assertThatThrownBy(() -> targets.resolve("http://producer.example/x"))
          .isInstanceOf(Refused.class)
          .hasMessageContaining(reason);
      assertThat(open(blockPrivate, true).resolve("http://producer.example/x").addresses())
          .as("allowed with rms.check-back.allow-loopback (tests, embedded demo)")
          .containsExactly(ip(address));
    }
    String literal = address.contains(":") ? "[" + address + "]" : address;
    assertThatThrownBy(() -> open(false).checkUrl("http://" + literal + ":8080/x"))
        .isInstanceOf(Refused.class)
        .hasMessageContaining(reason);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://127.0.0.1:8080/x",
        "http://[::1]/x",
        "http://10.0.0.1/x",
        "http://[fd00::5]:9000/x",
        "http://169.254.169.254/latest/meta-data"
      })
  void literalAddressesAreJudgedWithoutDns(String url) {
    assertThatThrownBy(() -> open(true).checkUrl(url)).isInstanceOf(Refused.class);
    assertThatThrownBy(() -> open(true).register(url)).isInstanceOf(Refused.class);
    assertThat(lookups).isZero();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "169.254.169.254",
        "169.254.170.2",
        "168.63.129.16",
        "100.100.100.200",
        "fd00:ec2::254",
        "::ffff:169.254.169.254",
        "64:ff9b::a9fe:a9fe"
      })
  void cloudMetadataAddressesAreAlwaysRefused(String address) {
    answers("metadata.example", address);
    for (boolean allowLoopback : new boolean[] {false, true}) {
      CheckBackTargets targets = open(false, allowLoopback);
      assertThatThrownBy(() -> targets.register("http://metadata.example/latest"))
          .isInstanceOf(Refused.class)
          .hasMessageContaining("cloud metadata");
      assertThatThrownBy(() -> targets.resolve("http://metadata.example/latest"))
          .isInstanceOf(Refused.class)
          .hasMessageContaining("cloud metadata");
    }
  }

  @Test
  void oneBadAddressAmongSeveralRefusesTheHost() {
    answers("mixed.example", "203.0.113.10", "10.0.0.1");
    assertThatThrownBy(() -> open(true).resolve("http://mixed.example/x"))
        .isInstanceOf(Refused.class)
        .hasMessageContaining("10.0.0.1");
  }

  @Test
  void aPublicAddressPassesAndTheCallGetsExactlyTheCheckedAddresses() {
    answers("producer.example", "203.0.113.10", "2001:db8::10");
    Target target = open(true).resolve("https://producer.example/rms/check-back");
    assertThat(target.addresses()).containsExactly(ip("203.0.113.10"), ip("2001:db8::10"));
    assertThat(target.host()).isEqualTo("producer.example");
    assertThat(target.port()).isEqualTo(443);
    assertThat(target.https()).isTrue();
  }

  @Test
  void dnsRebindingAfterRegistrationIsCaughtAtCallTime() {
    answers("rebind.example", "203.0.113.10");
    answers("rebind.example", "127.0.0.1");
    CheckBackTargets targets = open(true);
    assertThat(targets.register("http://rebind.example/x")).isNotNull();
    assertThatThrownBy(() -> targets.resolve("http://rebind.example/x"))
        .isInstanceOf(Refused.class)
        .hasMessageContaining("127.0.0.1")
        .hasMessageContaining("loopback");
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "169.254.169.254", "168.63.129.16", "fe80::1"})
  void dnsRebindingToALocalOrMetadataAddressIsCaughtWithTheDefaultSettings(String rebound) {
    answers("rebind.example", "203.0.113.10");
    answers("rebind.example", rebound);
    CheckBackTargets targets = open(false, false);
    assertThat(targets.register("http://rebind.example/x")).isNotNull();
    assertThatThrownBy(() -> targets.resolve("http://rebind.example/x"))
        .isInstanceOf(Refused.class)
        .hasMessageContaining(ip(rebound).getHostAddress());
  }

  @Test
  void anUnresolvableHostIsRefusedAtRegistrationOnlyWhenPrivateAddressesAreBlocked() {
    assertThatThrownBy(() -> open(true).register("http://nowhere.example/x"))
        .isInstanceOf(Refused.class)
        .hasMessageContaining("does not resolve");
    assertThat(open(false).register("http://nowhere.example/x")).isNotNull();
    assertThatThrownBy(() -> open(false).resolve("http://nowhere.example/x"))
        .isInstanceOf(Refused.class)
        .hasMessageContaining("does not resolve");
  }
}
