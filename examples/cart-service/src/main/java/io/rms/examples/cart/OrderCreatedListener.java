package io.rms.examples.cart;

import io.rms.consumer.MessageMetadata;
import io.rms.consumer.ReliableMessageListener;
import org.springframework.stereotype.Component;

/** Ordered items leave the cart: once per order, however often the message is delivered. */
@Component
public class OrderCreatedListener {
  private final CartService cart;

  public OrderCreatedListener(CartService cart) {
    this.cart = cart;
  }

  @ReliableMessageListener(subscription = "cart.order-created")
  public void onOrderCreated(OrderCreated order, MessageMetadata meta) {
    cart.removeOrderedItems(order, meta.messageId());
  }
}
