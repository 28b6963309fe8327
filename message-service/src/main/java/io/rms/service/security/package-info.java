/** Bearer API-key authentication of apps on the stateless {@code /api/**} chain. */
package io.rms.service.security;
