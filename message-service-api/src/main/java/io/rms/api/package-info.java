/**
 * The contract of the reliable message service: request and response records, status enums, error
 * codes and the OpenFeign client interface. No Spring Boot, no entities.
 */
package io.rms.api;
