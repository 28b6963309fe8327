package io.rms.api;

import java.util.List;

/** Events newest first; {@code nextCursor} continues below the last item, null at the end. */
public record AuditEventPage(List<AuditEvent> items, String nextCursor) {}
