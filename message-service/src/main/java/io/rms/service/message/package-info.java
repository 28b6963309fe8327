/**
 * Messages, deliveries and events: the two explicit state machines, the compare-and-set SQL that
 * enforces them, and the transactional use cases (prepare, confirm, cancel, send, ack, nack).
 */
package io.rms.service.message;
