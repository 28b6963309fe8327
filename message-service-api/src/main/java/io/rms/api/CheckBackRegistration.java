package io.rms.api;

/**
 * An app's check-back endpoint as an admin registers it. {@link #toString()} leaves out the secret
 * (Spring MVC logs request bodies at DEBUG, and a client may log its requests).
 *
 * @param url the producer's check-back URL; null or blank removes it
 * @param secret the HMAC signing secret (at least 32 bytes); null or blank keeps the current one
 */
public record CheckBackRegistration(String url, String secret) {
  @Override
  public String toString() {
    return "CheckBackRegistration[url=" + url + ", secret=" + (secret == null ? null : "***") + "]";
  }
}
