package io.rms.service.push;

import io.rms.api.ErrorCode;
import io.rms.service.problem.RmsProblem;
import io.rms.service.registry.CheckBackSecrets;
import io.rms.service.registry.Registry;
import io.rms.service.registry.RegistryAudit;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The signing secrets of push subscriptions ({@code subscription.push_secrets}, newest first, at
 * most two). {@link #rotate} generates a new secret (32 random bytes, 64 hex characters) and keeps
 * the previous one valid, so a receiver can switch without refusing a push; {@link #retire} drops
 * every secret but the newest. Both are audited. A push is signed with every valid secret (one
 * {@code sha256=} entry each). The workers read the secrets through a cache refreshed with the
 * registry, so a rotation on another replica is used within the registry refresh interval (the
 * previous secret stays valid meanwhile).
 */
@Component
public class PushSecretRotation {
  /** Most secrets valid at once. */
  static final int MAX_VALID = 2;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final JdbcTemplate jdbc;
  private final Registry registry;
  private final RegistryAudit audit;
  private final Map<String, List<String>> cache = new ConcurrentHashMap<>();

  PushSecretRotation(JdbcTemplate jdbc, Registry registry, RegistryAudit audit) {
    this.jdbc = jdbc;
    this.registry = registry;
    this.audit = audit;
  }

  /** A new secret (answered once) and how many are valid now. */
  public record Rotated(String secret, int validSecrets) {}

  /**
   * Generates a new secret, newest first, keeping the previous one valid. Refused with 409 {@code
   * secret-rotation-pending} while two are valid (retire the older one first, so no receiver's
   * secret is dropped unannounced).
   */
  @Transactional
  public Rotated rotate(String actor, String subscription) {
    List<String> current = lockedSecrets(subscription);
    if (current.size() >= MAX_VALID) {
      throw new RmsProblem(
          ErrorCode.SECRET_ROTATION_PENDING,
          "subscription "
              + subscription
              + " has two valid push secrets: retire the previous one before rotating again");
    }
    byte[] bytes = new byte[CheckBackSecrets.MIN_BYTES];
    RANDOM.nextBytes(bytes);
    String secret = HexFormat.of().formatHex(bytes);
    String[] next =
        java.util.stream.Stream.concat(java.util.stream.Stream.of(secret), current.stream())
            .toArray(String[]::new);
    store(subscription, next);
    audit.admin(
        actor,
        "subscription.push-secret.rotate",
        subscription,
        "new secret, " + next.length + " valid");
    return new Rotated(secret, next.length);
  }

  /** Keeps only the newest secret; idempotent. Answers how many are valid now. */
  @Transactional
  public int retire(String actor, String subscription) {
    List<String> current = lockedSecrets(subscription);
    if (current.size() <= 1) {
      audit.admin(
          actor,
          "subscription.push-secret.retire",
          subscription,
          "unchanged, " + current.size() + " valid");
      return current.size();
    }
    store(subscription, new String[] {current.get(0)});
    audit.admin(
        actor, "subscription.push-secret.retire", subscription, "previous retired, 1 valid");
    return 1;
  }

  /** How many secrets are valid (for views), without the secrets. */
  public int count(String subscription) {
    return secrets(subscription).size();
  }

  /** The valid secrets, newest first (empty: none yet). */
  List<String> secrets(String subscription) {
    return cache.computeIfAbsent(subscription, this::load);
  }

  @EventListener
  void registryChanged(Registry.RegistryChanged changed) {
    cache.clear();
  }

  private List<String> load(String subscription) {
    return jdbc
        .query(
            "select push_secrets from subscription where name = ?",
            (rs, i) -> Arrays.asList((String[]) rs.getArray(1).getArray()),
            subscription)
        .stream()
        .findFirst()
        .map(List::copyOf)
        .orElse(List.of());
  }

  private List<String> lockedSecrets(String subscription) {
    if (registry.subscription(subscription).isEmpty()) {
      throw new RmsProblem(ErrorCode.NOT_FOUND, "no subscription " + subscription);
    }
    return jdbc
        .query(
            "select push_secrets from subscription where name = ? for update",
            (rs, i) -> List.of((String[]) rs.getArray(1).getArray()),
            subscription)
        .stream()
        .findFirst()
        .orElseThrow(() -> new RmsProblem(ErrorCode.NOT_FOUND, "no subscription " + subscription));
  }

  private void store(String subscription, String[] secrets) {
    jdbc.update("update subscription set push_secrets = ? where name = ?", secrets, subscription);
    cache.remove(subscription);
  }
}
