package io.rms.api;

/**
 * Why a subscription is paused (optional; shown on the dashboard and in its audit).
 *
 * @param reason at most 500 characters
 */
public record PauseRequest(String reason) {}
