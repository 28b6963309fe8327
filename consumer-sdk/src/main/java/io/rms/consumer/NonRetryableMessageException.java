package io.rms.consumer;

/**
 * Thrown by a handler for a message that can never be processed (invalid content, a reference that
 * will never exist): the service marks the delivery DEAD instead of redelivering it.
 */
public class NonRetryableMessageException extends RuntimeException {

  public NonRetryableMessageException(String message) {
    super(message);
  }

  public NonRetryableMessageException(String message, Throwable cause) {
    super(message, cause);
  }
}
