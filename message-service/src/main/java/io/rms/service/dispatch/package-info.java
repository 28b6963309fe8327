/**
 * Publishing deliveries to RabbitMQ: straight to the subscription's queue, persistent, mandatory,
 * with asynchronous publisher confirms; PUBLISHED is recorded only after a positive confirm with no
 * return, in batches.
 */
package io.rms.service.dispatch;
