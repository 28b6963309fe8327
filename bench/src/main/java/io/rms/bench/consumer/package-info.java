/** The bench's consumer application: the consumer SDK in a JVM of its own, on its own database. */
package io.rms.bench.consumer;
