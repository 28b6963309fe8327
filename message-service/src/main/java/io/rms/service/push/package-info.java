/**
 * The push delivery mode's adapter (docs/design.md, push): workers that consume a push
 * subscription's queue and POST each delivery, signed, to the subscription's URL, within a
 * bulkhead, a rate limit and a circuit breaker per subscription, and report each answer to the
 * delivery state machine ({@link io.rms.service.message.PushDeliveries}); and the rotation of the
 * signing secrets.
 */
package io.rms.service.push;
