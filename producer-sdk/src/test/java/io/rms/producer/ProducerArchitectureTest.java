package io.rms.producer;

import io.rms.testsupport.SdkArchitectureTest;

/** The producer SDK's package boundaries. */
class ProducerArchitectureTest extends SdkArchitectureTest {
  ProducerArchitectureTest() {
    super("io.rms.producer");
  }
}
