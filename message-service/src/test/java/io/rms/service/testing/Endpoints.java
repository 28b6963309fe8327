package io.rms.service.testing;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The running service's controller mappings as {@code "METHOD /path/{var}"} ({@code ANY} for a
 * mapping without methods), so security tests cover every endpoint there is, including ones added
 * after the test was written.
 */
public final class Endpoints {
  private Endpoints() {}

  /** Every mapping whose path starts with {@code prefix}, sorted. */
  public static List<String> of(RequestMappingHandlerMapping mapping, String prefix) {
    Set<String> endpoints = new TreeSet<>();
    for (RequestMappingInfo info : mapping.getHandlerMethods().keySet()) {
      Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
      for (String path : info.getPathPatternsCondition().getPatternValues()) {
        if (!path.startsWith(prefix)) {
          continue;
        }
        if (methods.isEmpty()) {
          endpoints.add("ANY " + path);
        }
        methods.forEach(m -> endpoints.add(m.name() + " " + path));
      }
    }
    return List.copyOf(endpoints);
  }

  /** The method of an endpoint string. */
  public static String method(String endpoint) {
    return endpoint.substring(0, endpoint.indexOf(' '));
  }

  /** The path template of an endpoint string. */
  public static String path(String endpoint) {
    return endpoint.substring(endpoint.indexOf(' ') + 1);
  }
}
