package io.rms.producer.autoconfigure;

import io.rms.producer.CheckBackResolver;
import io.rms.producer.autoconfigure.ProducerProperties.PreparedLogMode;
import io.rms.producer.internal.PreparedLogResolver;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.ConfigurationCondition;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Whether the SDK keeps its prepared-message log ({@code rms.producer.prepared-log}): {@code on},
 * {@code off}, or {@code auto}: on unless the application declares a {@link CheckBackResolver} of
 * its own. Such a resolver answers check-back from the application's business rows, so the log's
 * insert per send (and the cleaner's delete later) would buy nothing.
 *
 * <p>A resolver of type {@link PreparedLogResolver} reads the log, so it is not the application's
 * "own". The mode is bound, not compared as text, so YAML's {@code on}/{@code off} (read as {@code
 * true}/{@code false}) mean what they say. Evaluated when beans are registered: the application's
 * beans are known by then (auto-configuration comes after them).
 */
final class PreparedLogCondition extends SpringBootCondition implements ConfigurationCondition {
  static final String PROPERTY = "rms.producer.prepared-log";

  @Override
  public ConfigurationPhase getConfigurationPhase() {
    return ConfigurationPhase.REGISTER_BEAN;
  }

  @Override
  public ConditionOutcome getMatchOutcome(
      ConditionContext context, AnnotatedTypeMetadata metadata) {
    PreparedLogMode mode = mode(context);
    return switch (mode) {
      case ON -> ConditionOutcome.match(PROPERTY + "=on");
      case OFF -> ConditionOutcome.noMatch(PROPERTY + "=off");
      case AUTO ->
          ownResolver(context)
              ? ConditionOutcome.noMatch(PROPERTY + "=auto and the application has a resolver")
              : ConditionOutcome.match(PROPERTY + "=auto and the application has no resolver");
    };
  }

  static PreparedLogMode mode(ConditionContext context) {
    return Binder.get(context.getEnvironment())
        .bind(PROPERTY, PreparedLogMode.class)
        .orElse(PreparedLogMode.AUTO);
  }

  /** True when a CheckBackResolver bean other than a {@link PreparedLogResolver} is declared. */
  static boolean ownResolver(ConditionContext context) {
    ConfigurableListableBeanFactory beans = context.getBeanFactory();
    if (beans == null) {
      return false;
    }
    for (String name : beans.getBeanNamesForType(CheckBackResolver.class, true, false)) {
      Class<?> type = beans.getType(name, false);
      if (type == null || !PreparedLogResolver.class.isAssignableFrom(type)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The log is off and the application has no resolver: check-back could never answer COMMIT, so a
   * committed message whose confirm was lost would never be delivered.
   */
  static final class OffWithoutResolver extends SpringBootCondition
      implements ConfigurationCondition {
    @Override
    public ConfigurationPhase getConfigurationPhase() {
      return ConfigurationPhase.REGISTER_BEAN;
    }

    @Override
    public ConditionOutcome getMatchOutcome(
        ConditionContext context, AnnotatedTypeMetadata metadata) {
      return mode(context) == PreparedLogMode.OFF && !ownResolver(context)
          ? ConditionOutcome.match(PROPERTY + "=off and no CheckBackResolver")
          : ConditionOutcome.noMatch("a prepared-message log or a CheckBackResolver");
    }
  }
}
