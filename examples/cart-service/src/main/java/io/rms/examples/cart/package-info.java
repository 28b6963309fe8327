/** Example consumer: removes ordered items from the cart, once per order.created message. */
package io.rms.examples.cart;
