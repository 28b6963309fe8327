package io.rms.api;

import java.util.List;

/** A page of a keyset-paginated list; {@code nextCursor} is null on the last page. */
public record MessagePage(List<MessageView> items, String nextCursor) {}
