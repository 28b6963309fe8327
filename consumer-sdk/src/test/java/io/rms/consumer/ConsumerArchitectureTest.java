package io.rms.consumer;

import io.rms.testsupport.SdkArchitectureTest;

/** The consumer SDK's package boundaries. */
class ConsumerArchitectureTest extends SdkArchitectureTest {
  ConsumerArchitectureTest() {
    super("io.rms.consumer");
  }
}
