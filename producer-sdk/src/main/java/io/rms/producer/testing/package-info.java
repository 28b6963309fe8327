/** Test helpers for applications that use the producer SDK. */
package io.rms.producer.testing;
