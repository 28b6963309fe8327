package io.rms.service.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QueuePeekArgsTest {

  @Test
  void aQueueAloneReadsTheEmbeddedBrokersDefaultVhost() {
    assertThat(QueuePeekArgs.parse("rms.sub.cart.order-created"))
        .isEqualTo(
            new QueuePeekArgs(
                "rms.sub.cart.order-created", "127.0.0.1", 5673, "guest", "guest", "/"));
  }

  @Test
  void theReadmesHostAndPortKeepTheOtherDefaults() {
    assertThat(QueuePeekArgs.parse("rms.sub.cart.order-created", "127.0.0.1", "5673"))
        .isEqualTo(
            new QueuePeekArgs(
                "rms.sub.cart.order-created", "127.0.0.1", 5673, "guest", "guest", "/"));
  }

  @Test
  void userPasswordAndVhostReachTheDeploymentsVhost() {
    assertThat(QueuePeekArgs.parse("rms.sub.cart.order-created", "mq", "5672", "rms", "pw", "rms"))
        .isEqualTo(new QueuePeekArgs("rms.sub.cart.order-created", "mq", 5672, "rms", "pw", "rms"));
  }

  @Test
  void aMissingQueueABadPortOrExtraArgumentsAreRefusedWithTheUsage() {
    assertThatThrownBy(QueuePeekArgs::parse).hasMessageContaining("usage: QueuePeek");
    assertThatThrownBy(() -> QueuePeekArgs.parse("q", "h", "56x2"))
        .hasMessageContaining("port must be 1-65535, was '56x2'");
    assertThatThrownBy(() -> QueuePeekArgs.parse("q", "h", "0")).hasMessageContaining("port");
    assertThatThrownBy(() -> QueuePeekArgs.parse("q", "h", "1", "u", "p", "v", "extra"))
        .hasMessageContaining("usage: QueuePeek");
  }
}
