/**
 * The service's side of recovery: adapters implementing the ports of {@code io.rms.recovery}
 * (claims with {@code FOR UPDATE SKIP LOCKED} and leases, the signed check-back HTTP client), the
 * operator actions, and the clustered Quartz schedule that runs the sweeps.
 */
package io.rms.service.recovery;
