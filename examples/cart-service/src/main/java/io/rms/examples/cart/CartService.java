package io.rms.examples.cart;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * The cart. {@link #removeOrderedItems} runs inside the consumer SDK's transaction (which also
 * records the message in the inbox), so it needs no {@code @Transactional} of its own.
 */
@Service
public class CartService {
  private final JdbcTemplate jdbc;

  public CartService(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** Takes the ordered quantities out of the customer's cart and notes why in its history. */
  public void removeOrderedItems(OrderCreated order, UUID messageId) {
    for (OrderCreated.Line line : order.lines()) {
      jdbc.update(
          "update cart_item set quantity = greatest(quantity - ?, 0)"
              + " where customer = ? and sku = ?",
          line.quantity(),
          order.customer(),
          line.sku());
      jdbc.update(
          "insert into cart_history (order_id, message_id, customer, sku, quantity)"
              + " values (?, ?, ?, ?, ?)",
          order.orderId(),
          messageId,
          order.customer(),
          line.sku(),
          line.quantity());
    }
    jdbc.update("delete from cart_item where customer = ? and quantity = 0", order.customer());
  }

  /** The customer's cart: its articles ({@code sku}) and their {@code quantity}. */
  public List<Map<String, Object>> items(String customer) {
    return jdbc.queryForList(
        "select sku, quantity from cart_item where customer = ? order by sku", customer);
  }

  /** Puts {@code quantity} of {@code sku} into the cart. */
  public void add(String customer, String sku, int quantity) {
    jdbc.update(
        "insert into cart_item (customer, sku, quantity) values (?, ?, ?)"
            + " on conflict (customer, sku) do update set quantity = cart_item.quantity + ?",
        customer,
        sku,
        quantity,
        quantity);
  }
}
