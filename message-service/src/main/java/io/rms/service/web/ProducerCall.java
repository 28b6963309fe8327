package io.rms.service.web;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a call whose body holds messages to produce (prepare, send, batch prepare): an app that
 * produces no topic is refused before its body is read ({@link ProducersOnly}).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@interface ProducerCall {}
