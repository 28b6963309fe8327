package io.rms.examples.order;

/** An ordered article is not available in the ordered quantity. */
public class OutOfStockException extends RuntimeException {
  public OutOfStockException(String sku) {
    super("out of stock: " + sku);
  }
}
