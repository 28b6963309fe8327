package io.rms.service.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Push URLs follow the check-back rules under their own allowlist and name push in refusals. */
class PushTargetsTest {
  private static final Map<String, String> DNS =
      Map.of(
          "cart.shop",
          "10.1.2.3",
          "sneaky.example",
          "127.0.0.1",
          "meta.example",
          "169.254.169.254");

  private static final CheckBackTargets.Resolver RESOLVER =
      host -> {
        String ip = DNS.get(host);
        if (ip == null) {
          throw new UnknownHostException(host);
        }
        return List.of(InetAddress.getByName(ip));
      };

  @Test
  void aPublicOrPrivateReceiverPassesAndMetadataNeverDoes() {
    PushTargets targets = new PushTargets(List.of("*"), false, RESOLVER);
    assertThat(targets.register("https://cart.shop/rms").toString())
        .isEqualTo("https://cart.shop/rms");
    assertThatThrownBy(() -> targets.register("http://meta.example/latest"))
        .hasMessageContaining("push host meta.example resolves to 169.254.169.254");
    assertThatThrownBy(() -> targets.register("http://169.254.169.254/latest"))
        .hasMessageContaining("push host");
    assertThatThrownBy(() -> targets.register("http://168.63.129.16/machine"))
        .hasMessageContaining("push host");
  }

  @Test
  void loopbackOnlyWhenAnEntryNamesALoopbackHost() {
    PushTargets open = new PushTargets(List.of("*"), false, RESOLVER);
    assertThatThrownBy(() -> open.register("http://127.0.0.1:8080/hook"))
        .hasMessageContaining("name the loopback host in rms.push.allowed-hosts");
    assertThatThrownBy(() -> open.register("http://sneaky.example/hook"))
        .hasMessageContaining("resolves to 127.0.0.1");

    PushTargets local = new PushTargets(List.of("http://127.0.0.1:*"), false, RESOLVER);
    assertThat(local.register("http://127.0.0.1:8080/hook").getPort()).isEqualTo(8080);
    assertThat(local.resolve("http://127.0.0.1:8080/hook").addresses())
        .extracting(InetAddress::getHostAddress)
        .containsExactly("127.0.0.1");
    assertThatThrownBy(() -> local.register("https://cart.shop/rms"))
        .hasMessageContaining("is not on rms.push.allowed-hosts");
  }

  @Test
  void privateAddressesWhenBlockedAndTheUrlsShape() {
    PushTargets strict = new PushTargets(List.of("*"), true, RESOLVER);
    assertThatThrownBy(() -> strict.register("https://cart.shop/rms"))
        .hasMessageContaining("push host cart.shop resolves to 10.1.2.3");
    assertThatThrownBy(() -> strict.register("https://unknown.example/rms"))
        .hasMessageContaining("rms.push.block-private-addresses");
    assertThatThrownBy(() -> strict.checkUrl("ftp://cart.shop/x"))
        .hasMessage("push URL must be http or https");
    assertThatThrownBy(() -> strict.checkUrl("https://u:p@cart.shop/x"))
        .hasMessage("push URL needs a host and no user info");
    assertThatThrownBy(() -> strict.checkUrl(" ")).hasMessage("no push URL");
  }
}
