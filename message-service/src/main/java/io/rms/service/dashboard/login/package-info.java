/**
 * Dashboard logins: throttling of failed ones per user and per client address, a cap on concurrent
 * password-hash checks, the audit of failures, and the cap on sessions per user.
 */
package io.rms.service.dashboard.login;
