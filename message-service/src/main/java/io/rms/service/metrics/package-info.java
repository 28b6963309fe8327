/**
 * Micrometer metrics exported at {@code /actuator/prometheus}: backlog gauges refreshed by a
 * periodic bounded query, publish-confirm and end-to-end latency timers (names in docs/deploy.md).
 */
package io.rms.service.metrics;
