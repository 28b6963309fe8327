/**
 * Dashboard logins: throttling of failed ones per user and per client address, a cap on concurrent
 * password-hash checks, the audit of failures, the cap on sessions per user, and the OIDC login's
 * authorization request in a sealed cookie (no session before login).
 */
package io.rms.service.dashboard.login;
