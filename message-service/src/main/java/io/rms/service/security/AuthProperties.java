package io.rms.service.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code rms.auth.*} settings: how many failed API-key authentications a client address may
 * make. Each address has a bucket of {@code failedBurst} tokens, refilled at {@code
 * failedPerMinute}; every wrong key takes one, and an address with an empty bucket is answered
 * {@code 429 too-many-failed-auth} unless it presents a valid key with a key id.
 *
 * @param failedBurst failed authentications an address may make at once
 * @param failedPerMinute how fast its allowance comes back
 * @param trackedAddresses how many addresses are remembered (least recently seen ones go first)
 */
@ConfigurationProperties("rms.auth")
public record AuthProperties(
    @DefaultValue("20") int failedBurst,
    @DefaultValue("30") int failedPerMinute,
    @DefaultValue("100000") int trackedAddresses) {}
