package io.rms.service.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.web.method.annotation.ExceptionHandlerMethodResolver;

/**
 * A database that goes away mid-call (a failover, a restart) answers 503 {@code unavailable}, which
 * clients retry, never a 500: whichever layer noticed it first (the pool, the transaction manager's
 * begin, commit or rollback, a statement).
 */
class ProblemHandlerMappingTest {
  private final ExceptionHandlerMethodResolver resolver =
      new ExceptionHandlerMethodResolver(ProblemHandler.class);

  @ParameterizedTest
  @ValueSource(strings = {"pool", "begin", "rollback", "statement", "timeout"})
  void aDatabaseThatIsGoneIsUnavailable(String where) {
    Exception e =
        switch (where) {
          case "pool" -> new CannotGetJdbcConnectionException("no connection");
          case "begin" -> new CannotCreateTransactionException("Could not open JPA EntityManager");
          case "rollback" -> new TransactionSystemException("JDBC rollback failed");
          case "statement" -> new DataAccessResourceFailureException("I/O error");
          default -> new QueryTimeoutException("canceling statement");
        };
    assertThat(resolver.resolveMethod(e).getName()).isEqualTo("unavailable");
  }

  @Test
  void anythingElseUnexpectedIsAServerError() {
    assertThat(resolver.resolveMethod(new IllegalStateException("a bug")).getName())
        .isEqualTo("unexpected");
  }
}
