package io.rms.service.testing;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A minimal OpenID Connect provider for the dashboard's OIDC login tests: the authorization
 * endpoint logs in {@link #nextUser} at once and redirects back with a code, the token endpoint
 * answers an RS256-signed ID token (with the request's nonce), and the JWK set endpoint serves the
 * key. One instance per test JVM, registered as provider {@code fake} by {@link IntegrationTest}.
 */
public final class FakeOidcProvider {
  private static FakeOidcProvider instance;

  /** The {@code preferred_username} of the next login. */
  public static volatile String nextUser = "oidc-user";

  /** The {@code sub} of the next login; null: {@code sub-<nextUser>}. */
  public static volatile String nextSubject;

  /** The {@code email} of the next login; null: none. */
  public static volatile String nextEmail;

  /** The {@code email_verified} of the next login; null: none. */
  public static volatile Boolean nextEmailVerified;

  /** Sets the next login's claims: preferred_username, sub, email and email_verified. */
  public static void nextLogin(String user, String subject, String email, Boolean verified) {
    nextUser = user;
    nextSubject = subject;
    nextEmail = email;
    nextEmailVerified = verified;
  }

  private final HttpServer server;
  private final RSAKey key;
  private final Map<String, String[]> codes = new ConcurrentHashMap<>();

  private FakeOidcProvider() throws Exception {
    key = new RSAKeyGenerator(2048).keyID("fake-1").generate();
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/authorize", this::authorize);
    server.createContext("/token", this::token);
    server.createContext("/jwks", this::jwks);
    server.start();
  }

  /** The running provider. */
  public static synchronized FakeOidcProvider get() {
    if (instance == null) {
      try {
        instance = new FakeOidcProvider();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    return instance;
  }

  /** The provider's base URL (also its issuer). */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void authorize(HttpExchange exchange) throws IOException {
    Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
    String code = UUID.randomUUID().toString();
    codes.put(
        code,
        new String[] {
          nextUser,
          q.get("nonce"),
          q.get("client_id"),
          nextSubject,
          nextEmail,
          nextEmailVerified == null ? null : nextEmailVerified.toString()
        });
    String location =
        q.get("redirect_uri")
            + "?code="
            + code
            + "&state="
            + URLEncoder.encode(q.get("state"), StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Location", location);
    exchange.sendResponseHeaders(302, -1);
    exchange.close();
  }

  private void token(HttpExchange exchange) throws IOException {
    Map<String, String> form =
        query(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    String[] login = codes.remove(form.get("code"));
    if (login == null) {
      send(exchange, 400, "{\"error\":\"invalid_grant\"}");
      return;
    }
    try {
      Date now = new Date();
      JWTClaimsSet.Builder claims =
          new JWTClaimsSet.Builder()
              .issuer(url())
              .subject(login[3] != null ? login[3] : "sub-" + login[0])
              .audience(login[2])
              .issueTime(now)
              .expirationTime(new Date(now.getTime() + 300_000))
              .claim("preferred_username", login[0]);
      if (login[1] != null) {
        claims.claim("nonce", login[1]);
      }
      if (login[4] != null) {
        claims.claim("email", login[4]);
      }
      if (login[5] != null) {
        claims.claim("email_verified", Boolean.parseBoolean(login[5]));
      }
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
              claims.build());
      jwt.sign(new RSASSASigner(key));
      send(
          exchange,
          200,
          "{\"access_token\":\"at-"
              + UUID.randomUUID()
              + "\",\"token_type\":\"Bearer\",\"expires_in\":300,\"scope\":\"openid profile\","
              + "\"id_token\":\""
              + jwt.serialize()
              + "\"}");
    } catch (Exception e) {
      send(exchange, 500, "{\"error\":\"server_error\"}");
    }
  }

  private void jwks(HttpExchange exchange) throws IOException {
    send(exchange, 200, new JWKSet(key.toPublicJWK()).toString());
  }

  private static void send(HttpExchange exchange, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> map = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return map;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      map.put(
          URLDecoder.decode(k, StandardCharsets.UTF_8),
          URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return map;
  }
}
