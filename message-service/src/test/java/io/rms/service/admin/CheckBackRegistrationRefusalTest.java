package io.rms.service.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rms.api.CheckBackRegistration;
import io.rms.service.config.RmsProperties.AppConfig;
import io.rms.service.dashboard.DashboardUsersFixture;
import io.rms.service.message.EventStore;
import io.rms.service.problem.RmsProblem;
import io.rms.service.registry.AppInfo;
import io.rms.service.registry.AppRepository;
import io.rms.service.registry.CheckBackTargets;
import io.rms.service.registry.Registry;
import io.rms.service.registry.RegistryBootstrap;
import io.rms.service.testing.Api;
import io.rms.service.testing.Api.Response;
import io.rms.service.testing.DashboardClient;
import io.rms.service.testing.DashboardClient.Page;
import io.rms.service.testing.FixedDns;
import io.rms.service.testing.IntegrationTest;
import io.rms.service.testing.Refusals;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Who may register a check-back URL (an admin; the admin API needs the ADMIN role) and which URLs
 * are refused at registration: outside {@code rms.check-back.allowed-hosts} (scheme, host, port),
 * with user info, cloud metadata addresses even when allowlisted, and with {@code
 * block-private-addresses} every host that resolves to a non-public address. Each refusal is a
 * problem+json answer (or a refused start for configuration) and changes nothing.
 */
class CheckBackRegistrationRefusalTest extends IntegrationTest {
  static final String WHO = "check-back URL registration by non-admins";
  static final String WHAT = "check-back URL registration outside the rules";

  private static final Refusals refusals = new Refusals();

  @Autowired AppRepository apps;
  @Autowired Registry registry;
  @Autowired EventStore events;
  @Autowired TransactionTemplate tx;
  @Autowired RegistryBootstrap bootstrap;

  @AfterAll
  static void tally() {
    refusals.report();
  }

  @AfterEach
  void shopWithoutCheckBackUrl() {
    jdbc.update(
        "update app set check_back_url = null, check_back_secret = 'shop-check-back-secret-32-bytes-long' where id = 'shop'");
    registry.refresh();
  }

  /** The shop app's row and the registry's audit events. */
  private Supplier<Object> state() {
    return () ->
        List.of(
            jdbc.queryForList(
                "select id, check_back_url, check_back_secret, api_key_hashes::text, active"
                    + " from app order by id"),
            jdbc.queryForList(
                "select id, actor, detail::text from message_event where message_id is null"
                    + " order by id"));
  }

  private static Map<String, String> registration(String url) {
    return Map.of("url", url, "secret", "registered-secret-0123456789abcdef");
  }

  @Test
  void onlyAdminsRegisterCheckBackUrls() {
    Map<String, Api> callers =
        Map.of(
            "no key", new Api(port, null),
            "the app itself (shop)", as("shop"),
            "another producer (orders)", as("orders"),
            "an operator (ops)", as("ops"));
    callers.forEach(
        (who, api) ->
            refusals.attempt(
                WHO,
                who + " registers shop's URL",
                state(),
                () -> {
                  Response r =
                      api.put(
                          "/api/v1/admin/apps/shop/check-back",
                          registration("http://127.0.0.1:9/shop"));
                  assertThat(r.status()).isIn(401, 403);
                  assertThat(r.contentType()).startsWith("application/problem+json");
                }));
    // an admin app may
    Response ok =
        as("root")
            .put(
                "/api/v1/admin/apps/shop/check-back",
                registration("https://eu.shop.test/rms/check-back"));
    assertThat(ok.status()).as(ok.raw()).isEqualTo(200);
    assertThat(ok.text("checkBackUrl")).isEqualTo("https://eu.shop.test/rms/check-back");
    assertThat(ok.raw()).doesNotContain("registered-secret");
    assertThat(
            jdbc.queryForObject("select check_back_url from app where id = 'shop'", String.class))
        .isEqualTo("https://eu.shop.test/rms/check-back");
    assertThat(
            jdbc.queryForObject(
                "select actor from message_event where message_id is null and type = 'ADMIN'"
                    + " and detail->>'action' = 'app.check-back' order by id desc limit 1",
                String.class))
        .isEqualTo("operator:root");
  }

  @Test
  void urlsOutsideTheAllowlistOrAtMetadataAddressesAreRefusedWithAProblem() {
    Map<String, String> refused =
        Map.ofEntries(
            Map.entry("ftp://127.0.0.1/x", "http or https"),
            Map.entry("file:///etc/passwd", "http or https"),
            Map.entry("gopher://127.0.0.1:70/_x", "http or https"),
            Map.entry("http://user:pw@127.0.0.1/x", "no user info"),
            Map.entry("http://localhost@evil.example.com/x", "no user info"),
            Map.entry("http://evil.example.com/x", "allowed-hosts"),
            Map.entry("http://127.0.0.3:8080/x", "allowed-hosts"),
            Map.entry("http://eu.shop.test:443/x", "allowed-hosts"),
            Map.entry("https://eu.shop.test:8443/x", "allowed-hosts"),
            Map.entry("https://shop.test.evil.example/x", "allowed-hosts"),
            Map.entry("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
            Map.entry("http://[fd00:ec2::254]/latest/meta-data/", "cloud metadata"),
            Map.entry("http://evil.example.com\\@127.0.0.1/x", "not a URL"),
            Map.entry("http:// 127.0.0.1/x", "not a URL"));
    refused.forEach(
        (url, why) ->
            refusals.attempt(
                WHAT,
                "admin API: " + url,
                state(),
                () -> {
                  Response r =
                      as("root").put("/api/v1/admin/apps/shop/check-back", registration(url));
                  assertThat(r.status()).as(r.raw()).isEqualTo(400);
                  assertThat(r.contentType()).startsWith("application/problem+json");
                  assertThat(r.code()).isEqualTo("validation-failed");
                  assertThat(r.text("detail")).contains(why);
                }));
    DashboardClient admin =
        DashboardClient.loggedIn(
            port, DashboardUsersFixture.ADMIN, DashboardUsersFixture.ADMIN_PASSWORD);
    Map<String, String> fromTheForm =
        Map.of(
            "http://evil.example.com/x", "allowed-hosts",
            "https://eu.shop.test:8443/x", "allowed-hosts",
            "http://169.254.169.254/latest/meta-data/", "cloud metadata",
            "ftp://127.0.0.1/x", "http or https");
    fromTheForm.forEach(
        (url, why) ->
            refusals.attempt(
                WHAT,
                "dashboard admin form: " + url,
                state(),
                () -> {
                  Page saved =
                      admin.submit(
                          "/dashboard/admin/apps/shop",
                          "/dashboard/admin/apps/shop",
                          Map.of(
                              "produces", "order.created", "checkBackUrl", url, "active", "true"));
                  assertThat(saved.status()).isEqualTo(302);
                  assertThat(admin.get(saved.location().replaceFirst("^https?://[^/]+", "")).body())
                      .as("the page explains the refusal")
                      .contains(why);
                }));
    refusals.attempt(
        WHAT,
        "configuration declares a URL outside the allowlist",
        state(),
        () ->
            assertThatThrownBy(
                    () ->
                        bootstrap.apply(
                            List.of(
                                new AppConfig(
                                    "shop",
                                    List.of("shop-key"),
                                    List.of("order.created"),
                                    "http://evil.example.com/rms/check-back",
                                    "shop-check-back-secret-32-bytes-long",
                                    List.of())),
                            List.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("check-back-url of app shop"));
  }

  @Test
  void linkLocalAddressesAreRefusedEvenWithPrivateAddressesAllowed() {
    Map<String, List<String>> dns =
        Map.of(
            "link-local.test", List.of("169.254.10.10"),
            "link-local6.test", List.of("fe80::1"),
            "mixed-link-local.test", List.of("10.0.0.5", "169.254.1.1"),
            "mapped-link-local.test", List.of("::ffff:169.254.3.4"),
            "private.test", List.of("10.20.30.40"));
    AppRegistrations registrations = registrations(false, dns);
    refusesEach(
        registrations,
        "link-local (always): ",
        List.of(
            "http://link-local.test/x",
            "http://link-local6.test/x",
            "http://mixed-link-local.test/x",
            "http://mapped-link-local.test/x",
            "http://169.254.10.10:8080/x",
            "http://[fe80::1]:8080/x",
            "http://[febf::1]:8080/x"),
        "link-local");
    assertThat(registered(registrations, "http://private.test/x"))
        .isEqualTo("http://private.test/x");
  }

  @Test
  void withPrivateAddressesBlockedEveryResolvedAddressMustBePublic() {
    Map<String, List<String>> dns =
        Map.of(
            "loopback.test", List.of("127.0.0.1"),
            "private.test", List.of("10.20.30.40"),
            "link-local.test", List.of("169.254.10.10"),
            "unique-local.test", List.of("fd12::1"),
            "mixed.test", List.of("203.0.113.10", "192.168.0.10"),
            "mapped.test", List.of("::ffff:172.16.0.1"),
            "public.test", List.of("203.0.113.10"));
    AppRegistrations registrations = registrations(true, dns);
    refusesEach(
        registrations,
        "block-private-addresses: ",
        List.of(
            "http://loopback.test/x",
            "http://private.test/x",
            "http://link-local.test/x",
            "http://unique-local.test/x",
            "http://mixed.test/x",
            "http://mapped.test/x",
            "http://does-not-resolve.test/x",
            "http://127.0.0.1:8080/x",
            "http://[::1]:8080/x",
            "http://0.0.0.0:8080/x"),
        "check-back host");
    assertThat(registered(registrations, "http://public.test/x")).isEqualTo("http://public.test/x");
  }

  /** Registrations that allow every host, resolving names with {@code dns}. */
  private AppRegistrations registrations(
      boolean blockPrivateAddresses, Map<String, List<String>> dns) {
    CheckBackTargets targets =
        new CheckBackTargets(List.of("*"), blockPrivateAddresses, false, FixedDns.of(dns));
    return new AppRegistrations(apps, registry, targets, events, tx);
  }

  /** Each URL, registered for shop by root, is refused with a problem naming {@code why}. */
  private void refusesEach(
      AppRegistrations registrations, String label, List<String> urls, String why) {
    AppInfo root = registry.app("root").orElseThrow();
    for (String url : urls) {
      refusals.attempt(
          WHAT,
          label + url,
          state(),
          () ->
              assertThatThrownBy(
                      () ->
                          registrations.registerCheckBack(
                              root,
                              "shop",
                              new CheckBackRegistration(url, "a-secret-0123456789-0123456789abcd")))
                  .isInstanceOf(RmsProblem.class)
                  .hasMessageContaining(why));
    }
  }

  /** Registers the URL for shop (by root) and answers the URL the app now has. */
  private String registered(AppRegistrations registrations, String url) {
    AppInfo root = registry.app("root").orElseThrow();
    return registrations
        .registerCheckBack(root, "shop", new CheckBackRegistration(url, null))
        .checkBackUrl();
  }
}
