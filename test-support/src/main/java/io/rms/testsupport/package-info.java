/** Test helpers shared by several modules; plain Java, no Spring. */
package io.rms.testsupport;
