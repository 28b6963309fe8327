/** Spring Boot wiring of the consumer SDK. */
package io.rms.consumer.autoconfigure;
