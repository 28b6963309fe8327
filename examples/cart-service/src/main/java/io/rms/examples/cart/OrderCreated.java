package io.rms.examples.cart;

import java.util.List;

/** The payload of {@code order.created}, as the cart service reads it. */
public record OrderCreated(long orderId, String customer, List<Line> lines) {

  /** One ordered article. */
  public record Line(String sku, int quantity) {}
}
