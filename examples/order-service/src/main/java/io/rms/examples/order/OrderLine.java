package io.rms.examples.order;

/** One ordered article. */
public record OrderLine(String sku, int quantity) {}
