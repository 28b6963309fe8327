package io.rms.service.web;

import java.io.IOException;

/** The request bodies being read hold the whole memory budget for bodies ({@link BodyBudget}). */
class BodyBudgetExhaustedException extends IOException {
  BodyBudgetExhaustedException(long budget) {
    super(
        "the service is reading as many request bodies as its memory budget of "
            + budget
            + " bytes allows; retry later");
  }
}
