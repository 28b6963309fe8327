package io.rms.service.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostAllowlistTest {
  private final HostAllowlist allowlist =
      new HostAllowlist(List.of("orders.internal", "*.shop.example"));

  @ParameterizedTest(name = "{0} allowed: {1}")
  @CsvSource({
    "http://orders.internal:8080/rms/check-back, true",
    "https://ORDERS.internal/x, true",
    "http://shop.example/x, true",
    "http://eu.shop.example/x, true",
    "http://evilshop.example/x, false",
    "http://orders.internal.evil.com/x, false",
    "http://169.254.169.254/latest/meta-data, false",
    "file:///etc/passwd, false",
    "ftp://orders.internal/x, false",
    "http://user:pw@orders.internal/x, false",
  })
  void onlyListedHostsOverHttpAreCalled(String url, boolean allowed) {
    if (allowed) {
      assertThat(allowlist.check(url).getHost())
          .isEqualToIgnoringCase(url.split("/")[2].split(":")[0]);
    } else {
      assertThatThrownBy(() -> allowlist.check(url)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @ParameterizedTest
  @CsvSource({"http://anything.at.all/x", "https://10.0.0.1:9000/y"})
  void starAllowsAnyHost(String url) {
    assertThat(new HostAllowlist(List.of("*")).check(url)).isNotNull();
  }
}
