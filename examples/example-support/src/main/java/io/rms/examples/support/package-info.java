/** What the example services share to start: their config name and the demo database. */
package io.rms.examples.support;
