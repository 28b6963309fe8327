/** The reliable message service application; features live in the sub-packages. */
package io.rms.service;
