/** The REST API v1 as a Spring Cloud OpenFeign client, found by service name or URL. */
package io.rms.cloud;
