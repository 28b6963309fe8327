package io.rms.api;

import java.util.List;

/**
 * An app as the admin API shows it: never its API key hashes or its check-back secret, only whether
 * one is set.
 *
 * @param produces the topics it may send to, sorted
 * @param checkBackUrl the URL the service asks about its messages left PREPARED; null when none
 * @param checkBackSecretSet whether a check-back signing secret is registered
 * @param roles its roles ({@code APP}, {@code OPERATOR}, {@code ADMIN}), sorted
 * @param active an inactive app's keys are refused
 */
public record AppView(
    String id,
    List<String> produces,
    String checkBackUrl,
    boolean checkBackSecretSet,
    List<String> roles,
    boolean active) {}
