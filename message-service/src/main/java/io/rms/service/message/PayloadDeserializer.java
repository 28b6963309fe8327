package io.rms.service.message;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ValueDeserializer;

/**
 * Reads a request's {@code payload} without building objects: a string stays a string (text or
 * base64, bounded by the parser's string length limit); any other JSON value is copied token by
 * token into its compact UTF-8 bytes, the form the payload was stored in before (numbers as the
 * mapper read them: decimals as {@code BigDecimal} when {@code use-big-decimal-for-floats} is on).
 * Once the copy passes the payload limit it keeps no more bytes and only reads on to the value's
 * end, so a request holds at most the limit plus the parser's buffers, whatever the payload's
 * shape. Two differences with the tree it replaces: a name repeated in one object is kept as sent
 * (the map kept the last value), and no memory is spent on the value's objects.
 */
public final class PayloadDeserializer extends ValueDeserializer<Object> {
  /** The context attribute holding the payload limit in bytes ({@link Long}). */
  public static final String LIMIT = "rms.payload-max-bytes";

  private static final JsonFactory FACTORY = new JsonFactory();

  @Override
  public Object deserialize(JsonParser p, DeserializationContext ctxt) {
    if (p.currentToken() == JsonToken.VALUE_STRING) {
      return p.getString();
    }
    Object configured = ctxt.getAttribute(LIMIT);
    long limit = configured instanceof Long l ? l : Long.MAX_VALUE - 1;
    boolean decimals = ctxt.isEnabled(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    Capped out = new Capped(limit);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      int depth = 0;
      JsonToken t = p.currentToken();
      while (true) {
        if (!out.over) {
          if (t == JsonToken.VALUE_NUMBER_FLOAT) {
            if (decimals) {
              g.writeNumber(p.getDecimalValue());
            } else {
              g.writeNumber(p.getDoubleValue());
            }
          } else {
            g.copyCurrentEvent(p);
          }
        }
        if (t.isStructStart()) {
          depth++;
        } else if (t.isStructEnd()) {
          depth--;
        }
        if (depth == 0) {
          break;
        }
        t = p.nextToken();
      }
    }
    return out.over ? JsonPayload.over(limit) : JsonPayload.of(out.toByteArray());
  }

  /** Keeps bytes up to the limit; past it, keeps none and remembers that it was over. */
  private static final class Capped extends OutputStream {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    private final long limit;
    private boolean over;

    Capped(long limit) {
      this.limit = limit;
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      if (over) {
        return;
      }
      if (bytes.size() + (long) len > limit) {
        over = true;
        bytes.reset();
        return;
      }
      bytes.write(b, off, len);
    }

    byte[] toByteArray() {
      return bytes.toByteArray();
    }
  }
}
