package io.rms.examples.order;

import java.util.List;

/** The payload of {@code order.created}. */
public record OrderCreated(long orderId, String customer, List<OrderLine> lines) {}
