/**
 * Calls the service makes to URLs an admin registered (check-back, push): the one HTTP client that
 * connects only to checked addresses, follows no redirect and caps the answer, and the HMAC
 * signature those calls carry.
 */
package io.rms.service.outbound;
