package io.rms.producer;

import io.rms.api.Decision;
import io.rms.producer.internal.CheckBackController;
import io.rms.producer.internal.CheckBackSignature;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import tools.jackson.databind.json.JsonMapper;

/** The SDK's check-back endpoint on {@code /rms/check-back}, outside any application context. */
final class CheckBackEndpoint {
  private CheckBackEndpoint() {}

  /** The endpoint checking signatures with {@code verifier}; its resolver counts calls, commits. */
  static MockMvc committing(CheckBackSignature verifier, AtomicInteger resolved) {
    CheckBackResolver resolver =
        request -> {
          resolved.incrementAndGet();
          return Decision.COMMIT;
        };
    return MockMvcBuilders.standaloneSetup(
            new CheckBackController(verifier, resolver, JsonMapper.builder().build()))
        .addPlaceholderValue("rms.producer.check-back.path", "/rms/check-back")
        .build();
  }
}
