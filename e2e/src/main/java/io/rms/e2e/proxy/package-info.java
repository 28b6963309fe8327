/** A TCP proxy that cuts, freezes, slows or drops the answers of the connections it carries. */
package io.rms.e2e.proxy;
