package io.rms.service.apidocs;

import io.rms.api.ErrorCode;
import java.util.List;
import java.util.Map;

/**
 * What the document says about one operation beyond what the code shows.
 *
 * @param operationId the stable id generated clients name their method after
 * @param tag the group (admin operations have their own tags)
 * @param summary one line
 * @param description its idempotency and state rules
 * @param successes each success status with what it means; the first is the usual one
 * @param problems the stable codes it can answer (401, 429 and 503 are added for every operation)
 * @param requestExample a JSON request body, or null
 * @param responseExample a JSON body of the first success status, or null
 */
record OperationDoc(
    String operationId,
    String tag,
    String summary,
    String description,
    Map<Integer, String> successes,
    List<ErrorCode> problems,
    String requestExample,
    String responseExample) {

  /**
   * Several successes must keep their order (the first gets the example): a {@code Map.of} of two
   * would put them in an order that changes from one start to the next.
   */
  OperationDoc {
    if (successes.size() > 1 && !(successes instanceof java.util.LinkedHashMap)) {
      throw new IllegalArgumentException(
          operationId + ": give several successes in order (a LinkedHashMap)");
    }
  }
}
