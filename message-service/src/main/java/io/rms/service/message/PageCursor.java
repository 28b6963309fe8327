package io.rms.service.message;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * The opaque cursor of a message list page (REST API and dashboard): the last id of the page, as 16
 * bytes in unpadded base64url. The next page is the ids below it (UUIDv7 ids sort by time).
 */
public final class PageCursor {
  private PageCursor() {}

  /** The cursor that continues after {@code lastId}. */
  public static String encode(UUID lastId) {
    ByteBuffer buffer = ByteBuffer.allocate(16);
    buffer.putLong(lastId.getMostSignificantBits()).putLong(lastId.getLeastSignificantBits());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(buffer.array());
  }

  /** The id a cursor continues after; empty if this service did not issue it. */
  public static Optional<UUID> decode(String cursor) {
    try {
      ByteBuffer buffer = ByteBuffer.wrap(Base64.getUrlDecoder().decode(cursor));
      return buffer.remaining() == 16
          ? Optional.of(new UUID(buffer.getLong(), buffer.getLong()))
          : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
