package io.rms.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code push} scenario's subscription {@value #SUBSCRIPTION}: the service pushes it to {@link
 * io.rms.bench.consumer.PushReceiverApp} on a port chosen before the service starts (concurrency
 * {@value #CONCURRENCY}, rate 10,000/s), signed with the secret {@link #rotateSecret} gets.
 */
final class PushSubscription {
  static final String SUBSCRIPTION = "bench.push";
  static final String TOPIC = "bench.push.topic";

  /** The service's push workers for the subscription, and the receiver's threads. */
  static final int CONCURRENCY = 64;

  final int port;
  private String secret;

  PushSubscription() throws Exception {
    port = Bench.freePort();
  }

  /** The service's arguments for the push target (a loopback host must be named to be allowed). */
  List<String> serviceArgs(int subscriptionIndex) {
    String s = "--rms.subscriptions[" + subscriptionIndex + "].";
    return List.of(
        "--rms.push.allowed-hosts[0]=127.0.0.1",
        s + "name=" + SUBSCRIPTION,
        s + "topic=" + TOPIC,
        s + "app=bench-consumer",
        s + "delivery=push",
        s + "push.url=http://127.0.0.1:" + port + "/push",
        s + "push.concurrency=" + CONCURRENCY,
        s + "push.rate=10000");
  }

  /** The signing secret, once {@link #rotateSecret} ran. */
  String secret() {
    if (secret == null) {
      throw new IllegalStateException("no push secret rotated in");
    }
    return secret;
  }

  /**
   * Rotates the subscription's first signing secret in (a push subscription without one waits) and
   * keeps it for the receiver. A service restarted on the same database keeps the secret it has.
   */
  void rotateSecret(int servicePort) throws Exception {
    if (secret != null) {
      return;
    }
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + servicePort
                                + "/api/v1/admin/subscriptions/"
                                + SUBSCRIPTION
                                + "/push-secrets/rotate"))
                    .header("Authorization", "Bearer " + Bench.ADMIN_KEY)
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(
          "push secret rotation answered " + r.statusCode() + ": " + r.body());
    }
    secret = JsonMapper.builder().build().readTree(r.body()).get("secret").asString();
  }
}
