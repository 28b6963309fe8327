/**
 * The admin API: operator actions (resolve messages, redeliver deliveries, the audit trail) and the
 * admins' registration of check-back endpoints.
 */
package io.rms.service.admin;
