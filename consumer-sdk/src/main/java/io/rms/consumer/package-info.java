/**
 * The consumer SDK: put {@link io.rms.consumer.ReliableMessageListener} on a bean method to process
 * a subscription's messages exactly once in effect.
 */
package io.rms.consumer;
