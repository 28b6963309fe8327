package io.rms.service.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostAllowlistTest {
  private final HostAllowlist allowlist =
      new HostAllowlist(
          List.of(
              "orders.internal",
              "*.shop.example",
              "billing.internal:8443",
              "*.pay.example:443",
              "10.1.2.3:8080",
              "[fd00::1]:9000",
              "https://*:7443",
              "http://plain.internal:8080"));

  @ParameterizedTest(name = "{0}://{1}:{2} allowed: {3}")
  @CsvSource({
    "http, orders.internal, 8080, true",
    "https, ORDERS.internal, 80, true",
    "https, shop.example, 443, true",
    "http, eu.shop.example, 1234, true",
    "https, evilshop.example, 443, false",
    "http, orders.internal.evil.com, 80, false",
    "https, billing.internal, 8443, true",
    "https, billing.internal, 443, false",
    "http, billing.internal, 80, false",
    "https, pay.example, 443, true",
    "https, eu.pay.example, 443, true",
    "https, eu.pay.example, 8443, false",
    "http, 10.1.2.3, 8080, true",
    "http, 10.1.2.3, 8081, false",
    "http, [fd00::1], 9000, true",
    "http, [fd00:0:0::1], 9000, true",
    "http, [fd00::1], 9001, false",
    "https, anything.else, 7443, true",
    "http, anything.else, 7443, false",
    "https, anything.else, 443, false",
    "http, plain.internal, 8080, true",
    "https, plain.internal, 8080, false",
    "http, 169.254.169.254, 80, false",
  })
  void schemeHostAndPortMustMatchAnEntry(String scheme, String host, int port, boolean allowed) {
    assertThat(allowlist.allows(scheme, host, port)).isEqualTo(allowed);
  }

  @ParameterizedTest
  @CsvSource({"anything.at.all, 80", "10.0.0.1, 9000", "[::1], 1"})
  void starAllowsAnyHostOnAnyPort(String host, int port) {
    assertThat(new HostAllowlist(List.of("*")).allows("http", host, port)).isTrue();
    assertThat(new HostAllowlist(List.of("*:*")).allows("https", host, port)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "host:0",
        "host:70000",
        "host:http",
        "fd00::1",
        "[fd00::1",
        "a*.b",
        "*.",
        "",
        "ftp://host"
      })
  void malformedEntriesAreAConfigurationError(String entry) {
    assertThatThrownBy(() -> new HostAllowlist(List.of(entry)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rms.check-back.allowed-hosts");
  }
}
