package io.rms.consumer.internal;

import io.rms.consumer.ReliableMessageListener;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;

/** Finds {@link ReliableMessageListener} methods on beans; {@link ListenerContainers} runs them. */
public final class ListenerRegistrar implements BeanPostProcessor {
  private final List<ListenerMethod> found = new CopyOnWriteArrayList<>();

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    Class<?> type = AopUtils.getTargetClass(bean);
    Map<Method, ReliableMessageListener> methods =
        MethodIntrospector.selectMethods(
            type,
            (MethodIntrospector.MetadataLookup<ReliableMessageListener>)
                m -> AnnotatedElementUtils.findMergedAnnotation(m, ReliableMessageListener.class));
    for (Map.Entry<Method, ReliableMessageListener> e : methods.entrySet()) {
      Method invocable = AopUtils.selectInvocableMethod(e.getKey(), bean.getClass());
      found.add(new ListenerMethod(bean, invocable, e.getValue()));
    }
    return bean;
  }

  /** The listener methods found so far. */
  public List<ListenerMethod> listeners() {
    return List.copyOf(found);
  }
}
