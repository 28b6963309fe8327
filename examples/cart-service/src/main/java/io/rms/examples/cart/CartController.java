package io.rms.examples.cart;

import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /carts/{customer}}, {@code POST /carts/{customer}/items}. */
@RestController
public class CartController {
  private final CartService cart;

  public CartController(CartService cart) {
    this.cart = cart;
  }

  /** The body of {@code POST /carts/{customer}/items}. */
  public record AddItem(String sku, int quantity) {}

  @GetMapping("/carts/{customer}")
  public List<Map<String, Object>> cart(@PathVariable String customer) {
    return cart.items(customer);
  }

  @PostMapping("/carts/{customer}/items")
  public List<Map<String, Object>> add(@PathVariable String customer, @RequestBody AddItem item) {
    cart.add(customer, item.sku(), item.quantity());
    return cart(customer);
  }
}
