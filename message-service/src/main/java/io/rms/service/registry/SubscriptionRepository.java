package io.rms.service.registry;

import org.springframework.data.jpa.repository.JpaRepository;

/** Subscriptions (registry CRUD; the hot path reads the {@link Registry} snapshot instead). */
public interface SubscriptionRepository extends JpaRepository<Subscription, String> {}
