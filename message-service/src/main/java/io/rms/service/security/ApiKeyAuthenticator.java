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
 * Finds the app an API key belongs to. Keys are stored as bcrypt hashes, which take tens of
 * milliseconds to check, so a verified key is remembered by its SHA-256 (never the key itself)
 * together with the hash it matched; the entry is used only while the app still holds that hash, so
 * rotating or removing a key takes effect with the next registry refresh.
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

  /** The active app holding this key. */
  Optional<AppInfo> authenticate(String key) {
    if (key == null || key.isBlank() || key.length() > 512) {
      return Optional.empty();
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
    for (AppInfo app : registry.apps()) {
      if (!app.active()) {
        continue;
      }
      for (String hash : app.apiKeyHashes()) {
        if (apiKeys.matches(key, hash)) {
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
