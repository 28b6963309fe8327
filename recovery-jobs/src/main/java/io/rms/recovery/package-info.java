/**
 * The recovery sweeps (check-back of PREPARED messages, redelivery of due and overdue deliveries,
 * retention) and the Quartz jobs that run them, written against ports that the service implements,
 * so the policies are tested here with fakes.
 */
package io.rms.recovery;
