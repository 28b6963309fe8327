/** The fault-injection harness's handle on the shared TCP proxy of the test-support module. */
package io.rms.e2e.proxy;
