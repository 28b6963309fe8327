/**
 * Pull delivery: consumers lease due deliveries over HTTP (with long polls that hold no database
 * connection and no thread while they wait) instead of reading a broker queue.
 */
package io.rms.service.pull;
