package io.rms.bench.producer;

import io.rms.producer.BusinessRowResolver;
import io.rms.producer.CheckBackResolver;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The lever "no producer log" ({@code producer:bench.own-resolver=true}): the app answers
 * check-back from its {@code orders} row, so the SDK keeps no {@code rms_producer_log} (its default
 * {@code rms.producer.prepared-log=auto}) and each business transaction is the order row and one
 * commit, as with a RocketMQ producer. COMMIT when the order of the message's business key is
 * there; ROLLBACK when it is not and the message is older than {@code
 * bench.own-resolver.transaction-timeout} (60 s; the bench's transactions take milliseconds);
 * otherwise UNKNOWN. The bench app has no web server, so the answer is never asked for here: the
 * lever measures what the log costs.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "bench.own-resolver", havingValue = "true")
class OrdersCheckBack {

  @Bean
  CheckBackResolver ordersResolver(
      Orders orders,
      @Value("${bench.own-resolver.transaction-timeout:60s}") Duration transactionTimeout) {
    return new BusinessRowResolver(
        request -> request.businessKey() != null && orders.exists(request.businessKey()),
        transactionTimeout,
        Clock.systemUTC());
  }
}
