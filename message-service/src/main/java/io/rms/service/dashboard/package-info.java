/**
 * The operator dashboard at {@code /dashboard}: server-rendered pages (Thymeleaf + htmx) on their
 * own session-based security chain, reading across all apps and acting through the operator use
 * cases.
 */
package io.rms.service.dashboard;
