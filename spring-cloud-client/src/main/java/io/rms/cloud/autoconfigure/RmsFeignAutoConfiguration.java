package io.rms.cloud.autoconfigure;

import io.rms.cloud.RmsFeignClient;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.cloud.openfeign.EnableFeignClients;
import org.springframework.cloud.openfeign.FeignClient;

/**
 * Registers {@link RmsFeignClient} when the application has Spring Cloud OpenFeign; {@code
 * rms.client.feign.enabled=false} turns it off.
 */
@AutoConfiguration
@ConditionalOnClass(FeignClient.class)
@ConditionalOnProperty(name = "rms.client.feign.enabled", matchIfMissing = true)
@EnableFeignClients(clients = RmsFeignClient.class)
public class RmsFeignAutoConfiguration {}
