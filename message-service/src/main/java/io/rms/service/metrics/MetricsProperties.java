package io.rms.service.metrics;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code rms.metrics.*} settings.
 *
 * @param backlog refresh the backlog gauges in this process; in a split deployment one role (the
 *     jobs pods) is enough, since every replica would report the same database-wide numbers
 * @param refresh how often the backlog query runs (it never runs per scrape)
 * @param queryTimeout the longest a backlog query may take; a slower one keeps the previous values
 * @param waitingKeyThreshold an ordering key whose oldest WAITING delivery is older than this
 *     counts in {@code rms.ordering.keys.waiting.too.long}
 */
@ConfigurationProperties("rms.metrics")
public record MetricsProperties(
    @DefaultValue("true") boolean backlog,
    @DefaultValue("30s") Duration refresh,
    @DefaultValue("5s") Duration queryTimeout,
    @DefaultValue("5m") Duration waitingKeyThreshold) {}
