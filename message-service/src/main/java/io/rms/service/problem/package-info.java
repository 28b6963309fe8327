/** The one exception type that carries a stable error code to a problem+json answer. */
package io.rms.service.problem;
