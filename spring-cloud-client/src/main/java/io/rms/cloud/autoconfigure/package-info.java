/** Registers {@code RmsFeignClient} when Spring Cloud OpenFeign is on the class path. */
package io.rms.cloud.autoconfigure;
