/** The bench's producer application: business transactions sending through the producer SDK. */
package io.rms.bench.producer;
