/**
 * Replay and backfill: an operator's (or a new subscription's) window of history delivered again on
 * one subscription, persisted with a cursor, advanced at a paced rate by a sweep on any replica.
 */
package io.rms.service.replay;
