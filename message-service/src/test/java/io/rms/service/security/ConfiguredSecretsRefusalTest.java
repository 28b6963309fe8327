package io.rms.service.security;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rms.service.config.RmsProperties.AppConfig;
import io.rms.service.dashboard.users.DashboardUsers;
import io.rms.service.registry.RegistryBootstrap;
import io.rms.service.testing.IntegrationTest;
import io.rms.service.testing.Refusals;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Configured API keys and the configured dashboard admin password are plain values (hashed at
 * start) or hashes this service produces; {@code {noop}} and other stored forms stop the start (the
 * same calls the start makes) and are never stored as given.
 */
class ConfiguredSecretsRefusalTest extends IntegrationTest {
  static final String FORMS =
      "configured keys and passwords in a form this service does not produce";
  private static final Refusals refusals = new Refusals();

  @Autowired RegistryBootstrap bootstrap;
  @Autowired DashboardUsers users;

  @AfterAll
  static void tally() {
    refusals.report();
  }

  private Object stored() {
    return List.of(
        jdbc.queryForList("select id, api_key_hashes::text from app order by id"),
        jdbc.queryForList("select username, password_hash from dashboard_user order by 1"));
  }

  @Test
  void configuredKeysInOtherFormsStopTheStart() {
    for (String key :
        List.of(
            "{noop}orders-key",
            "{sha256}c0ffee",
            "{pbkdf2}5d923b44a6d129f3ddf3e3c8d29412723dcbde72445e8ef6bf3b508fbf17fa4ed4",
            "{bcrypt}orders-key",
            "{rms-sha256}orders-key")) {
      refusals.attempt(
          FORMS,
          "api-keys entry " + key.substring(0, key.indexOf('}') + 1),
          this::stored,
          () ->
              assertThatThrownBy(
                      () ->
                          bootstrap.apply(
                              List.of(
                                  new AppConfig(
                                      "orders",
                                      List.of(key),
                                      List.of("order.created"),
                                      null,
                                      null,
                                      List.of())),
                              List.of()))
                  .isInstanceOf(IllegalStateException.class)
                  .hasMessageContaining("api-keys entry of app orders")
                  .hasMessageContaining("not a hash this service produces")
                  .hasMessageNotContaining("orders-key"));
    }
  }

  @Test
  void aConfiguredAdminPasswordInAnotherFormStopsTheStart() {
    for (String password : List.of("{noop}admin-password-1", "{sha256}c0ffee", "{bcrypt}short")) {
      refusals.attempt(
          FORMS,
          "rms.dashboard.admin.password " + password.substring(0, password.indexOf('}') + 1),
          this::stored,
          () ->
              assertThatThrownBy(() -> users.upsertAdmin("admin", password))
                  .isInstanceOf(IllegalStateException.class)
                  .hasMessageContaining("rms.dashboard.admin.password")
                  .hasMessageNotContaining(password));
    }
  }
}
