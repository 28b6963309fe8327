/** The suite's consumer process: one listener whose effect is a row per processed message. */
package io.rms.e2e.consumer;
