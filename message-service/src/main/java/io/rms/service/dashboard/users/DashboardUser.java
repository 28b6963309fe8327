package io.rms.service.dashboard.users;

import java.time.Instant;

/** A dashboard user as listed to admins (never with the password hash). */
public record DashboardUser(String username, Role role, boolean active, Instant createdAt) {}
