/**
 * The load harness: raw PostgreSQL and RabbitMQ baselines and the service's scenarios measured in
 * one run, reported as ratios.
 */
package io.rms.bench;
