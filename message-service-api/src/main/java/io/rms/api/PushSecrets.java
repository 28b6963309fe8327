package io.rms.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A push subscription's signing secrets after a rotation or a retirement.
 *
 * @param subscription the subscription
 * @param secret the new secret, answered by the rotation only and only this once (store it in the
 *     receiver); absent after a retirement
 * @param validSecrets how many secrets sign each push now (1 or 2; while 2, each push carries a
 *     {@code sha256=} entry per secret)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PushSecrets(String subscription, String secret, int validSecrets) {}
