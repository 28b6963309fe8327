/** The producer SDK's implementation; not an API, may change without notice. */
package io.rms.producer.internal;
