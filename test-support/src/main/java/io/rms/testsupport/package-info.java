/** Test helpers shared by several modules; plain Java and JUnit, no Spring. */
package io.rms.testsupport;
