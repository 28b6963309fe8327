/** Example producer: an order and its order.created message commit together or not at all. */
package io.rms.examples.order;
