package io.rms.service.message;

import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** JSON for jsonb columns (headers, event details). */
@Component
class Json {
  private static final TypeReference<Map<String, String>> STRINGS = new TypeReference<>() {};
  private static final TypeReference<Map<String, Object>> OBJECTS = new TypeReference<>() {};
  private final JsonMapper mapper;

  Json(JsonMapper mapper) {
    this.mapper = mapper;
  }

  String write(Object value) {
    return value == null ? null : mapper.writeValueAsString(value);
  }

  Map<String, String> strings(String json) {
    return json == null ? Map.of() : mapper.readValue(json, STRINGS);
  }

  Map<String, Object> objects(String json) {
    return json == null ? Map.of() : mapper.readValue(json, OBJECTS);
  }
}
