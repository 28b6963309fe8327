package io.rms.api;

import java.util.List;

/** The deliveries a pull leased to the caller (empty when none was ready in time). */
public record PullResult(List<PulledDelivery> deliveries) {

  /** No delivery. */
  public static final PullResult EMPTY = new PullResult(List.of());
}
