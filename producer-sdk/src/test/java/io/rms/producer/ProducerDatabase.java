package io.rms.producer;

import io.rms.service.testing.TestInfra;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/** A producer's own PostgreSQL database (fresh, on the test server) and a transaction template. */
final class ProducerDatabase {
  final String url;
  final DataSource dataSource;
  final TransactionTemplate tx;

  ProducerDatabase(String purpose) {
    this.url = TestInfra.get().newDatabase(purpose);
    this.dataSource = new DriverManagerDataSource(url, "postgres", "");
    this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
  }
}
