package io.rms.service.security;

import io.rms.service.registry.ApiKeys;
import io.rms.service.registry.AppInfo;
import io.rms.service.registry.Registry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Finds the app an API key belongs to. A key with a key id ({@code rms_<id>_<secret>}, see {@link
 * ApiKeys}) is looked up by its id and checked with one SHA-256, so a wrong key of that form costs
 * microseconds whatever it is. Any other key can only match a bcrypt hash (plain keys configured in
 * development, keys issued before key ids), which takes tens of milliseconds to check: it is tried
 * against the bcrypt hashes only (never the others), and a verified one is remembered by its
 * SHA-256 (never the key itself) together with the hash it matched; the entry is used only while
 * the app still holds that hash, so rotating or removing a key takes effect with the next registry
 * refresh. Wrong keys of that form are what {@link FailedAuthLimiter} bounds.
 */
@Component
class ApiKeyAuthenticator {
  private static final int CACHE_SIZE = 10_000;

  private final Registry registry;
  private final ApiKeys apiKeys;
  private final Map<String, Verified> verified =
      java.util.Collections.synchronizedMap(
          new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Verified> eldest) {
              return size() > CACHE_SIZE;
            }
          });

  ApiKeyAuthenticator(Registry registry, ApiKeys apiKeys) {
    this.registry = registry;
    this.apiKeys = apiKeys;
  }

  private record Verified(String appId, String hash) {}

  /** True when checking this key is cheap (it has a key id), whether it is right or wrong. */
  static boolean cheapToCheck(String key) {
    return ApiKeys.identify(key).isPresent();
  }

  /** The active app holding this key. */
  Optional<AppInfo> authenticate(String key) {
    if (key == null || key.isBlank() || key.length() > 512) {
      return Optional.empty();
    }
    Optional<ApiKeys.IdentifiedKey> identified = ApiKeys.identify(key);
    if (identified.isPresent()) {
      return registry
          .keyHolder(identified.get().keyId())
          .filter(holder -> holder.app().active())
          .filter(holder -> ApiKeys.secretMatches(identified.get().secret(), holder.digest()))
          .map(Registry.KeyHolder::app);
    }
    String fingerprint = sha256(key);
    Verified known = verified.get(fingerprint);
    if (known != null) {
      Optional<AppInfo> app = registry.app(known.appId());
      if (app.isPresent()
          && app.get().active()
          && app.get().apiKeyHashes().contains(known.hash())) {
        return app;
      }
      verified.remove(fingerprint);
    }
    for (AppInfo app : registry.appsWithBcryptKeys()) {
      if (!app.active()) {
        continue;
      }
      for (String hash : app.apiKeyHashes()) {
        if (hash.startsWith(ApiKeys.BCRYPT) && apiKeys.matches(key, hash)) {
          verified.put(fingerprint, new Verified(app.id(), hash));
          return Optional.of(app);
        }
      }
    }
    return Optional.empty();
  }

  private static String sha256(String key) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
