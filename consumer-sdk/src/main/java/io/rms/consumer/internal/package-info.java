/** The consumer SDK's implementation; not an API, may change without notice. */
package io.rms.consumer.internal;
