package io.rms.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.UUID;

/**
 * The outcome of one item of a batch call.
 *
 * @param index position of the item in the request
 * @param id the message id (null when the item was rejected before a message existed)
 * @param httpStatus the status the single call would have answered (200, 201, 404, 409, ...)
 * @param messageStatus the message's status after the call, when known
 * @param code the problem code when the item failed
 * @param detail the human-readable reason when the item failed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BatchItemResult(
    int index, UUID id, int httpStatus, MessageStatus messageStatus, String code, String detail) {

  /** True when the item succeeded (2xx). */
  public boolean ok() {
    return httpStatus >= 200 && httpStatus < 300;
  }
}
