/** The operator part of the admin API: resolve messages, redeliver deliveries, the audit trail. */
package io.rms.service.admin;
