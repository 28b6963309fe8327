/** Spring Boot wiring of the producer SDK. */
package io.rms.producer.autoconfigure;
