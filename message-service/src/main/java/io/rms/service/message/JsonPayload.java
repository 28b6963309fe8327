package io.rms.service.message;

import io.rms.api.ErrorCode;
import io.rms.service.problem.RmsProblem;

/**
 * A JSON payload (object, array, number or boolean) as the request carried it, read into its
 * compact UTF-8 bytes while the request was parsed ({@link PayloadDeserializer}), never as a tree
 * of objects. One larger than the payload limit keeps no bytes, only that it was over.
 */
public final class JsonPayload {
  private final byte[] bytes;
  private final long limit;

  private JsonPayload(byte[] bytes, long limit) {
    this.bytes = bytes;
    this.limit = limit;
  }

  static JsonPayload of(byte[] bytes) {
    return new JsonPayload(bytes, -1);
  }

  static JsonPayload over(long limit) {
    return new JsonPayload(null, limit);
  }

  /** The payload's bytes; 413 {@code payload-too-large} if it was over the limit. */
  byte[] bytes() {
    if (bytes == null) {
      throw new RmsProblem(
          ErrorCode.PAYLOAD_TOO_LARGE,
          "payload is over " + limit + " bytes; the limit is " + limit);
    }
    return bytes;
  }

  @Override
  public String toString() {
    return bytes == null
        ? "JsonPayload[over " + limit + " bytes]"
        : "JsonPayload[" + bytes.length + " bytes]";
  }
}
