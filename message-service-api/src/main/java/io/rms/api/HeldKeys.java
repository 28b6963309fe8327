package io.rms.api;

import java.util.List;

/**
 * The held ordering keys of one subscription, the longest held first.
 *
 * @param items at most {@code limit} keys
 * @param more true when more keys are held than listed
 */
public record HeldKeys(String subscription, boolean ordered, List<HeldKey> items, boolean more) {}
