/** The migrate role: apply the Flyway migrations with their own credentials, then exit. */
package io.rms.service.migration;
