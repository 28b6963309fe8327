package io.rms.examples.order;

import io.rms.producer.ReliableMessenger;
import io.rms.producer.SendOptions;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Places orders (the order rows, the stock reservation and order.created in one transaction) and
 * reads them and the stock back.
 */
@Service
public class OrderService {
  private final JdbcTemplate jdbc;
  private final ReliableMessenger messenger;

  public OrderService(JdbcTemplate jdbc, ReliableMessenger messenger) {
    this.jdbc = jdbc;
    this.messenger = messenger;
  }

  /**
   * Stores the order, sends {@code order.created} and reserves the stock. Anything failing after
   * the send (here: an article out of stock) rolls the order back and the message is cancelled; no
   * consumer ever sees it.
   */
  @Transactional(timeout = 30)
  public long placeOrder(String customer, List<OrderLine> lines) {
    Long id =
        jdbc.queryForObject(
            "insert into orders (customer) values (?) returning id", Long.class, customer);
    for (OrderLine line : lines) {
      jdbc.update(
          "insert into order_line (order_id, sku, quantity) values (?, ?, ?)",
          id,
          line.sku(),
          line.quantity());
    }
    messenger.send(
        "order.created",
        new OrderCreated(id, customer, lines),
        SendOptions.businessKey(String.valueOf(id)));
    // reserve in a fixed order so that concurrent orders cannot deadlock on the stock rows
    List<OrderLine> bySku =
        lines.stream().sorted(java.util.Comparator.comparing(OrderLine::sku)).toList();
    for (OrderLine line : bySku) {
      int reserved =
          jdbc.update(
              "update stock set available = available - ? where sku = ? and available >= ?",
              line.quantity(),
              line.sku(),
              line.quantity());
      if (reserved != 1) {
        throw new OutOfStockException(line.sku());
      }
    }
    return id;
  }

  /** The order's lines, each with the order's id and customer. */
  public List<Map<String, Object>> lines(long orderId) {
    return jdbc.queryForList(
        "select o.id, o.customer, l.sku, l.quantity from orders o"
            + " join order_line l on l.order_id = o.id where o.id = ?",
        orderId);
  }

  /** What is available of each article. */
  public List<Map<String, Object>> stock() {
    return jdbc.queryForList("select sku, available from stock order by sku");
  }
}
