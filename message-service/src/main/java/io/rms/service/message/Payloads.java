package io.rms.service.message;

import io.rms.api.ErrorCode;
import io.rms.service.problem.RmsProblem;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.util.RawValue;

/**
 * Converts payloads between the API and storage. JSON content types store the payload as UTF-8 JSON
 * text and hand it back as raw JSON (no re-parsing); {@code text/*} stores the string's UTF-8
 * bytes; anything else is binary, sent and returned as base64.
 */
@Component
public class Payloads {
  public static final String JSON = "application/json";
  private final JsonMapper mapper;

  Payloads(JsonMapper mapper) {
    this.mapper = mapper;
  }

  /** The content type to store: the given one, or JSON. */
  public static String contentType(String requested) {
    return requested == null || requested.isBlank() ? JSON : requested.trim();
  }

  /** True for {@code application/json} and {@code +json} types. */
  public static boolean isJson(String contentType) {
    String base = baseType(contentType);
    return base.equals(JSON) || base.endsWith("+json");
  }

  static boolean isText(String contentType) {
    return baseType(contentType).startsWith("text/");
  }

  private static String baseType(String contentType) {
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase();
  }

  /**
   * The bytes to store for a request payload: a {@link JsonPayload} read from a request as it is, a
   * string or other value (the Java clients' objects) as JSON, text or base64.
   */
  public byte[] encode(Object payload, String contentType) {
    if (payload instanceof JsonPayload json) {
      if (!isJson(contentType)) {
        throw notAString(contentType);
      }
      return json.bytes();
    }
    if (isJson(contentType)) {
      try {
        return mapper.writeValueAsBytes(payload);
      } catch (JacksonException e) {
        throw RmsProblem.invalid("payload is not a JSON value");
      }
    }
    if (!(payload instanceof String text)) {
      throw notAString(contentType);
    }
    if (isText(contentType)) {
      return text.getBytes(StandardCharsets.UTF_8);
    }
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw RmsProblem.invalid("payload is not valid base64 for binary contentType " + contentType);
    }
  }

  private static RmsProblem notAString(String contentType) {
    return new RmsProblem(
        ErrorCode.VALIDATION_FAILED,
        "payload must be a string when contentType is " + contentType + " (base64 for binary)");
  }

  /** The API value for stored bytes: raw JSON, a string, or base64. */
  public Object decode(byte[] payload, String contentType) {
    if (isJson(contentType)) {
      return new RawValue(new String(payload, StandardCharsets.UTF_8));
    }
    if (isText(contentType)) {
      return new String(payload, StandardCharsets.UTF_8);
    }
    return Base64.getEncoder().encodeToString(payload);
  }
}
