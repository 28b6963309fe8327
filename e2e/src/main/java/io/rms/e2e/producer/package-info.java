/** The suite's producer process: business transactions that send messages through the SDK. */
package io.rms.e2e.producer;
