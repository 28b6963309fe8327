/** The Feign configuration private to {@code RmsFeignClient}: bearer key and problem decoding. */
package io.rms.cloud.internal;
