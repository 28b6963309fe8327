package io.rms.service.apidocs;

import static io.rms.api.ErrorCode.FORBIDDEN;
import static io.rms.api.ErrorCode.NOT_FOUND;
import static io.rms.api.ErrorCode.SECRET_ROTATION_PENDING;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The admin API's push secret operations, merged into {@link ApiOperations}. */
final class PushSecretOperations {
  private PushSecretOperations() {}

  private static final String PATH = "/api/v1/admin/subscriptions/{name}/push-secrets";

  static Map<String, OperationDoc> table() {
    Map<String, OperationDoc> t = new LinkedHashMap<>();
    t.put(
        "POST " + PATH + "/rotate",
        new OperationDoc(
            "rotatePushSecret",
            ApiOperations.REGISTRY,
            "Rotate a subscription's push signing secret (admin)",
            """
            Generates a new secret (32 random bytes, 64 hex characters) and answers it **this \
            once**: the service keeps it only to sign. The previous secret stays valid, so \
            from now on every push carries two `sha256=` entries in `X-RMS-Signature`, one per \
            secret, until the previous one is retired; give the receiver the new secret, then \
            call `retire`. The first rotation of a subscription creates its first secret (a \
            push subscription without one pushes nothing: its deliveries wait). While two \
            secrets are valid a rotation answers 409 `secret-rotation-pending` and changes \
            nothing. Audited (an `ADMIN` event, never the secret). Other replicas sign with it \
            within their registry refresh interval. An unknown name answers 404. Needs the \
            role ADMIN (403).""",
            Map.of(200, "The new secret and how many sign now."),
            List.of(FORBIDDEN, NOT_FOUND, SECRET_ROTATION_PENDING),
            null,
            """
            {"subscription": "cart.order-created",
             "secret": "5f0c6e9b2a7d4c1e8f3a6b9d2c5e8f1a4b7c0d3e6f9a2b5c8d1e4f7a0b3c6d9e",
             "validSecrets": 2}
            """));
    t.put(
        "POST " + PATH + "/retire",
        new OperationDoc(
            "retirePushSecret",
            ApiOperations.REGISTRY,
            "Retire a subscription's previous push signing secret (admin)",
            """
            Keeps only the newest secret: pushes from now on carry one `sha256=` entry. \
            **Idempotent:** with one secret (or none) it answers 200 unchanged. Audited. An \
            unknown name answers 404. Needs the role ADMIN (403).""",
            Map.of(200, "How many secrets sign now."),
            List.of(FORBIDDEN, NOT_FOUND),
            null,
            "{\"subscription\": \"cart.order-created\", \"validSecrets\": 1}"));
    return t;
  }
}
