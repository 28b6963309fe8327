package io.rms.service.message;

import io.rms.api.ErrorCode;
import io.rms.api.Limits;
import io.rms.service.problem.RmsProblem;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * User headers: at most {@link Limits#MAX_HEADERS}, names of letters, digits, {@code . _ -} (≤ 64),
 * never {@code x-rms-*} (the service's own), {@code CC} or {@code BCC} (RabbitMQ sender- selected
 * distribution would route copies elsewhere), values ≤ 1,024 characters without control characters.
 */
final class HeaderRules {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}]");

  private HeaderRules() {}

  /** The headers, sorted by name, or a 400 problem naming the first offending header. */
  static Map<String, String> validate(Map<String, String> headers) {
    if (headers == null || headers.isEmpty()) {
      return Map.of();
    }
    if (headers.size() > Limits.MAX_HEADERS) {
      throw problem("at most " + Limits.MAX_HEADERS + " headers, got " + headers.size());
    }
    Map<String, String> sorted = new TreeMap<>();
    headers.forEach(
        (name, value) -> {
          if (name == null || !NAME.matcher(name).matches()) {
            throw problem("header name '" + safe(name) + "' is not allowed");
          }
          String lower = name.toLowerCase(Locale.ROOT);
          if (lower.startsWith("x-rms-") || lower.equals("cc") || lower.equals("bcc")) {
            throw problem("header name '" + name + "' is reserved");
          }
          if (value == null
              || value.length() > Limits.MAX_HEADER_VALUE
              || CONTROL.matcher(value).find()) {
            throw problem(
                "header '"
                    + name
                    + "' needs a value of at most 1024 characters, no control characters");
          }
          sorted.put(name, value);
        });
    return sorted;
  }

  private static String safe(String name) {
    return name == null ? "null" : name.substring(0, Math.min(name.length(), 64));
  }

  private static RmsProblem problem(String detail) {
    return new RmsProblem(ErrorCode.INVALID_HEADERS, detail);
  }
}
