package io.rms.api;

import feign.RequestTemplate;
import feign.Response;
import feign.Util;
import feign.codec.DecodeException;
import feign.codec.Decoder;
import feign.codec.EncodeException;
import feign.codec.Encoder;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** Feign encoder and decoder on Jackson 3 (Feign's own jackson3 module is newer than its BOM). */
final class JsonCodec implements Encoder, Decoder {
  private final JsonMapper mapper;

  JsonCodec(JsonMapper mapper) {
    this.mapper = mapper;
  }

  @Override
  public void encode(Object object, Type bodyType, RequestTemplate template) {
    try {
      template.body(mapper.writeValueAsBytes(object), StandardCharsets.UTF_8);
    } catch (JacksonException e) {
      throw new EncodeException("cannot encode " + bodyType, e);
    }
  }

  @Override
  public Object decode(Response response, Type type) throws IOException {
    if (response.status() == 204 || response.body() == null) {
      return Util.emptyValueOf(type);
    }
    try (InputStream in = response.body().asInputStream()) {
      return mapper.readValue(in, mapper.constructType(type));
    } catch (JacksonException e) {
      throw new DecodeException(response.status(), "cannot decode " + type, response.request(), e);
    }
  }
}
