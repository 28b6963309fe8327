package io.rms.service.config;

import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Enables Spring's scheduler for small in-process periodic work (registry refresh). */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class SchedulingConfig {}
