package io.rms.service.message;

import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Transactions of the hot path (prepare, confirm, cancel, send, ack, nack): plain JDBC ones on the
 * service's data source. Spring's default transaction manager here is JPA's (the registry uses
 * Spring Data JPA), which opens an entity manager and flushes it for every transaction although
 * these commands never touch JPA; this one costs only the connection's begin and commit. Not a bean
 * of type {@code PlatformTransactionManager}, so JPA's stays the application's default.
 */
@Component
public final class HotPathTransactions {
  private final TransactionTemplate template;

  HotPathTransactions(DataSource dataSource) {
    this.template = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
  }

  /** The template the hot-path commands run their transactions with. */
  TransactionTemplate template() {
    return template;
  }
}
