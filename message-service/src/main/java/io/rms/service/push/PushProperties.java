package io.rms.service.push;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the push workers call receivers ({@code rms.push.*}; the per-subscription url, timeout,
 * concurrency, rate and pause-after are the subscription's own settings).
 *
 * @param connectTimeout how long a connect to a receiver may take (the answer has the
 *     subscription's {@code push.timeout})
 * @param maxResponseBytes most bytes of an answer read (a larger one is not read)
 * @param circuitOpenFor how long a subscription's open circuit refuses pushes before it probes
 *     again; the deliveries it refuses wait that long, without using an attempt
 * @param circuitFailureRate the share of failed pushes (percent) among the last {@code
 *     circuitWindow} that opens the circuit
 * @param circuitWindow how many recent pushes the failure rate is taken over (and the fewest before
 *     it is judged)
 * @param bookingWait how long a worker waits for the broker confirm of a copy it received to be
 *     booked before it drops the copy (the recovery sweep publishes the delivery again): before it
 *     books a failure or a deferral, and before it pushes a copy of a later attempt (copy 1 of a
 *     delivery never published is pushed without waiting)
 * @param noSecretRetry how long a delivery waits when its subscription has no signing secret yet
 *     (it is never pushed unsigned; rotate one)
 */
@ConfigurationProperties("rms.push.worker")
public record PushProperties(
    @DefaultValue("2s") Duration connectTimeout,
    @DefaultValue("4096") int maxResponseBytes,
    @DefaultValue("30s") Duration circuitOpenFor,
    @DefaultValue("50") float circuitFailureRate,
    @DefaultValue("10") int circuitWindow,
    @DefaultValue("5s") Duration bookingWait,
    @DefaultValue("30s") Duration noSecretRetry) {}
