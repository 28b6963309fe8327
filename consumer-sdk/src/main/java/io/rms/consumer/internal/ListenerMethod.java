package io.rms.consumer.internal;

import io.rms.consumer.MessageMetadata;
import io.rms.consumer.NonRetryableMessageException;
import io.rms.consumer.ReliableMessageListener;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.util.ReflectionUtils;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

/** One {@link ReliableMessageListener} method and how to call it with a delivery. */
public final class ListenerMethod {
  private final Object bean;
  private final Method method;
  private final ReliableMessageListener annotation;
  private final List<Class<? extends Throwable>> nonRetryable;

  public ListenerMethod(Object bean, Method method, ReliableMessageListener annotation) {
    this.bean = bean;
    this.method = method;
    this.annotation = annotation;
    this.nonRetryable = List.of(annotation.nonRetryable());
    int payloads = 0;
    for (Parameter p : method.getParameters()) {
      if (p.getType() != MessageMetadata.class) {
        payloads++;
      }
    }
    if (payloads > 1) {
      throw new IllegalStateException(
          method + ": a listener takes at most one payload parameter and a MessageMetadata");
    }
    ReflectionUtils.makeAccessible(method);
  }

  public String subscription() {
    return annotation.subscription();
  }

  public ReliableMessageListener annotation() {
    return annotation;
  }

  /** Maps the body and calls the method; exceptions of the method are thrown unwrapped. */
  public void invoke(byte[] body, MessageMetadata metadata, JsonMapper json) throws Exception {
    Parameter[] parameters = method.getParameters();
    Object[] args = new Object[parameters.length];
    for (int i = 0; i < parameters.length; i++) {
      args[i] =
          parameters[i].getType() == MessageMetadata.class
              ? metadata
              : payload(body, parameters[i].getType(), method.getGenericParameterTypes()[i], json);
    }
    try {
      method.invoke(bean, args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  private static Object payload(byte[] body, Class<?> raw, Type generic, JsonMapper json) {
    if (raw == byte[].class) {
      return body;
    }
    if (raw == String.class) {
      return new String(body, StandardCharsets.UTF_8);
    }
    try {
      JavaType type = json.getTypeFactory().constructType(generic);
      return json.readValue(body, type);
    } catch (JacksonException e) {
      throw new NonRetryableMessageException("payload does not map to " + generic, e);
    }
  }

  /** True if retrying cannot help. */
  public boolean isNonRetryable(Throwable e) {
    if (e instanceof NonRetryableMessageException) {
      return true;
    }
    for (Class<? extends Throwable> type : nonRetryable) {
      if (type.isInstance(e)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return method.getDeclaringClass().getSimpleName() + "." + method.getName();
  }
}
