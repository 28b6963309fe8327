package io.rms.service.dashboard.login;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * An OIDC authorization request (state, nonce, PKCE verifier, ...) as a cookie value: its fields as
 * JSON with an expiry, base64url, then {@code .} and the HMAC-SHA256 of that under a key every
 * replica shares. Opening checks the MAC before it parses anything (no Java deserialization at
 * all), then the expiry against the injected clock.
 */
final class SealedAuthorizationRequest {
  private static final String HMAC = "HmacSHA256";

  /** What the MAC covers besides the payload, so that a MAC made for another use does not fit. */
  private static final String CONTEXT = "rms.oidc-authorization-request.v1.";

  /** Longer values are refused before any work (a real one is about 1 kB). */
  private static final int MAX_LENGTH = 3500;

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** The fields kept; the rest of the request is fixed (authorization code) or derived. */
  record Fields(
      String authorizationUri,
      String clientId,
      String redirectUri,
      Set<String> scopes,
      String state,
      Map<String, String> parameters,
      Map<String, String> attributes,
      long expiresAt) {}

  private final SecretKeySpec key;
  private final Clock clock;
  private final Duration ttl;

  SealedAuthorizationRequest(byte[] key, Clock clock, Duration ttl) {
    this.key = new SecretKeySpec(key, HMAC);
    this.clock = clock;
    this.ttl = ttl;
  }

  Duration ttl() {
    return ttl;
  }

  /** The request as a cookie value that expires {@link #ttl} from now. */
  String seal(OAuth2AuthorizationRequest request) {
    Fields fields =
        new Fields(
            request.getAuthorizationUri(),
            request.getClientId(),
            request.getRedirectUri(),
            request.getScopes(),
            request.getState(),
            strings(request.getAdditionalParameters()),
            strings(request.getAttributes()),
            clock.instant().plus(ttl).getEpochSecond());
    String payload = ENCODER.encodeToString(JSON.writeValueAsBytes(fields));
    return payload + "." + ENCODER.encodeToString(mac(payload));
  }

  /** The request, if {@code value} was sealed with this key and has not expired. */
  Optional<OAuth2AuthorizationRequest> open(String value) {
    if (value == null || value.length() > MAX_LENGTH) {
      return Optional.empty();
    }
    int dot = value.indexOf('.');
    if (dot < 0) {
      return Optional.empty();
    }
    String payload = value.substring(0, dot);
    // compared as text, not decoded: base64 decoders ignore a last character's spare bits, so
    // decoding would accept more than one spelling of the MAC
    byte[] claimed = value.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
    byte[] expected = ENCODER.encodeToString(mac(payload)).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(claimed, expected)) {
      return Optional.empty();
    }
    Fields fields;
    try {
      fields = JSON.readValue(DECODER.decode(payload), Fields.class);
    } catch (IllegalArgumentException | JacksonException e) {
      return Optional.empty();
    }
    if (fields.state() == null || clock.instant().getEpochSecond() >= fields.expiresAt()) {
      return Optional.empty();
    }
    return Optional.of(
        OAuth2AuthorizationRequest.authorizationCode()
            .authorizationUri(fields.authorizationUri())
            .clientId(fields.clientId())
            .redirectUri(fields.redirectUri())
            .scopes(fields.scopes())
            .state(fields.state())
            .additionalParameters(new LinkedHashMap<>(orEmpty(fields.parameters())))
            .attributes(new LinkedHashMap<>(orEmpty(fields.attributes())))
            .build());
  }

  private byte[] mac(String payload) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(key);
      return mac.doFinal((CONTEXT + payload).getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(HMAC + " unavailable", e);
    }
  }

  /** Spring Security's request resolver puts only strings into both maps. */
  private static Map<String, String> strings(Map<String, Object> values) {
    Map<String, String> strings = new LinkedHashMap<>();
    values.forEach(
        (name, value) -> {
          if (!(value instanceof String s)) {
            throw new IllegalStateException(
                "OIDC authorization request value " + name + " is not a string");
          }
          strings.put(name, s);
        });
    return strings;
  }

  private static Map<String, String> orEmpty(Map<String, String> values) {
    return values == null ? Map.of() : values;
  }
}
