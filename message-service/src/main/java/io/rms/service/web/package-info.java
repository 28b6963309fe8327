/** The REST API v1 controllers and the problem+json error mapping. */
package io.rms.service.web;
