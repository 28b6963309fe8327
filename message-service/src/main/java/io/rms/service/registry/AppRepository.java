package io.rms.service.registry;

import org.springframework.data.jpa.repository.JpaRepository;

/** Apps (registry CRUD; the hot path reads the {@link Registry} snapshot instead). */
public interface AppRepository extends JpaRepository<App, String> {}
