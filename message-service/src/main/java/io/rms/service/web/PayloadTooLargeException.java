package io.rms.service.web;

import java.io.IOException;

/** The request body exceeded the configured size. */
class PayloadTooLargeException extends IOException {
  PayloadTooLargeException(long limit) {
    super("the request body exceeds " + limit + " bytes");
  }
}
