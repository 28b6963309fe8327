/** Spring Boot wiring of the shared service client. */
package io.rms.sdk.client.autoconfigure;
