package io.rms.helm;

import static io.rms.helm.ChartTemplateTest.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code ingress.trustedProxies} becomes the only peers whose forwarded headers the service reads;
 * without it the service's default (none) stays.
 */
class ChartTrustedProxiesTest {

  @Test
  void trustedProxiesBecomeTheInternalProxiesOfTomcatsRemoteIpValve() {
    Map<String, Object> server =
        map(ChartRenderer.template("all-features.yaml").applicationYaml().get("server"));
    assertThat(map(map(server.get("tomcat")).get("remoteip")))
        .containsEntry("internal-proxies", "10.42.0.0/16, fd00:42::/64");
  }

  @Test
  void withoutTrustedProxiesNoPeerIsTrusted() {
    assertThat(ChartRenderer.template().applicationYaml()).doesNotContainKey("server");
  }
}
