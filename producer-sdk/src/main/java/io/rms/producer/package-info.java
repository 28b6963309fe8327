/**
 * The producer SDK: {@link io.rms.producer.ReliableMessenger} sends a message bound to the caller's
 * local transaction; {@link io.rms.producer.CheckBackResolver} answers the service's check-back.
 */
package io.rms.producer;
