package io.rms.service.registry;

/**
 * Where registry changes are recorded (an {@code ADMIN} event in the audit history). Called inside
 * the change's transaction, so a change and its record commit together.
 */
public interface RegistryAudit {
  /**
   * Records an admin action.
   *
   * @param actor who: {@code operator:<app id>} for an admin API client, {@code user:<name>} for a
   *     dashboard user
   * @param action what, e.g. {@code subscription.create}
   * @param target the app id or subscription name
   * @param result the outcome in a few words
   */
  void admin(String actor, String action, String target, String result);
}
