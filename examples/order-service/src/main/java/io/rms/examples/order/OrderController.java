package io.rms.examples.order;

import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /orders}, {@code GET /orders/{id}}, {@code GET /stock}. */
@RestController
public class OrderController {
  private final OrderService orders;

  public OrderController(OrderService orders) {
    this.orders = orders;
  }

  /** The body of {@code POST /orders}. */
  public record PlaceOrder(String customer, List<OrderLine> lines) {}

  @PostMapping("/orders")
  public ResponseEntity<Map<String, Object>> place(@RequestBody PlaceOrder request) {
    long id = orders.placeOrder(request.customer(), request.lines());
    return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("orderId", id));
  }

  @GetMapping("/orders/{id}")
  public List<Map<String, Object>> order(@PathVariable long id) {
    return orders.lines(id);
  }

  @GetMapping("/stock")
  public List<Map<String, Object>> stock() {
    return orders.stock();
  }

  @ExceptionHandler(OutOfStockException.class)
  public ResponseEntity<Map<String, Object>> outOfStock(OutOfStockException e) {
    return ResponseEntity.status(HttpStatus.CONFLICT).body(Map.of("error", e.getMessage()));
  }
}
