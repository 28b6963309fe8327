/**
 * The zero-install default: embedded PostgreSQL and an embedded AMQP 0-9-1 broker (Qpid Broker-J)
 * started when no database or broker is configured, plus the demo apps.
 */
package io.rms.service.embedded;
