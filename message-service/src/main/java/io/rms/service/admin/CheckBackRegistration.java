package io.rms.service.admin;

/**
 * An app's check-back endpoint as an admin registers it. {@link #toString()} leaves out the secret
 * (Spring MVC logs request bodies at DEBUG).
 *
 * @param url the producer's check-back URL; null or blank removes it
 * @param secret the HMAC signing secret; null or blank keeps the current one
 */
record CheckBackRegistration(String url, String secret) {
  @Override
  public String toString() {
    return "CheckBackRegistration[url=" + url + ", secret=" + (secret == null ? null : "***") + "]";
  }
}
