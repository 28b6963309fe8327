/** The OpenAPI document of the REST API, generated from the code and completed by a table. */
package io.rms.service.apidocs;
