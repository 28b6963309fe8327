/** Tracing of the bench's producer and consumer apps: off by default, on under a tracing lever. */
package io.rms.bench.tracing;
