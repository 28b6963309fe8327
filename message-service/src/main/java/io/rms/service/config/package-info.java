/** Configuration properties, the injected clock and cross-cutting beans. */
package io.rms.service.config;
