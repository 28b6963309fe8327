/**
 * The registry of apps and subscriptions: JPA entities, bootstrap from configuration, an in-memory
 * snapshot for the hot path, and the broker queues of active subscriptions.
 */
package io.rms.service.registry;
