package io.rms.service.web;

import io.rms.api.ErrorCode;
import io.rms.service.problem.ProblemJson;
import io.rms.service.registry.AppInfo;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Refuses a {@link ProducerCall} of an app that produces no topic with {@code 403 forbidden} before
 * the body is read: such an app could only be refused per topic after its whole body was parsed.
 * Interceptors run after the handler is chosen and before its arguments, the body among them, are
 * read; the handler is chosen by the decoded path, so every spelling of the path is covered, and by
 * the body's media type (JSON only), so a body of another type is 415 first, whoever sends it.
 */
@Configuration(proxyBeanMethods = false)
class ProducersOnly implements WebMvcConfigurer, HandlerInterceptor {

  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    registry.addInterceptor(this);
  }

  @Override
  public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
      throws IOException {
    if (!(handler instanceof HandlerMethod method)
        || !method.hasMethodAnnotation(ProducerCall.class)) {
      return true;
    }
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    if (authentication != null
        && authentication.getPrincipal() instanceof AppInfo app
        && !app.produces().isEmpty()) {
      return true;
    }
    String id =
        authentication != null && authentication.getPrincipal() instanceof AppInfo app
            ? app.id()
            : "this caller";
    ProblemJson.write(
        request,
        response,
        ErrorCode.FORBIDDEN,
        "Forbidden",
        "app " + id + " produces no topic; its request body was not read");
    return false;
  }
}
