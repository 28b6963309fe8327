/** W3C trace context of messages and the service's spans around them (docs/tracing.md). */
package io.rms.service.tracing;
