package io.rms.bench;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Just enough of an OTLP/HTTP trace export (protobuf {@code ExportTraceServiceRequest}) to count
 * its spans: for each span, the {@code service.name} of its resource and its trace id. A walk over
 * the wire format (no generated classes): {@code resource_spans} (1) → {@code resource} (1) →
 * {@code attributes} (1) {@code key} (1) / {@code value} (2) → {@code string_value} (1); {@code
 * scope_spans} (2) → {@code spans} (2) → {@code trace_id} (1). Other fields are skipped.
 */
final class OtlpSpans {
  /** Told of every span of a request. */
  @FunctionalInterface
  interface Visitor {
    void span(String service, String traceIdHex);
  }

  private static final int VARINT = 0;
  private static final int FIXED64 = 1;
  private static final int LEN = 2;
  private static final int FIXED32 = 5;

  private OtlpSpans() {}

  /** Visits the spans of one request body; its span count. */
  static int parse(byte[] body, Visitor visitor) {
    int spans = 0;
    Reader request = new Reader(body, 0, body.length);
    while (request.more()) {
      int tag = request.tag();
      if (tag >>> 3 == 1 && (tag & 7) == LEN) {
        spans += resourceSpans(request.message(), visitor);
      } else {
        request.skip(tag);
      }
    }
    return spans;
  }

  private static int resourceSpans(Reader r, Visitor visitor) {
    String service = "?";
    java.util.List<Reader> scopes = new java.util.ArrayList<>();
    while (r.more()) {
      int tag = r.tag();
      if (tag >>> 3 == 1 && (tag & 7) == LEN) {
        String name = serviceName(r.message());
        if (name != null) {
          service = name;
        }
      } else if (tag >>> 3 == 2 && (tag & 7) == LEN) {
        scopes.add(r.message()); // the resource may come after its spans in the wire order
      } else {
        r.skip(tag);
      }
    }
    int spans = 0;
    for (Reader scope : scopes) {
      while (scope.more()) {
        int tag = scope.tag();
        if (tag >>> 3 == 2 && (tag & 7) == LEN) {
          visitor.span(service, traceId(scope.message()));
          spans++;
        } else {
          scope.skip(tag);
        }
      }
    }
    return spans;
  }

  private static String serviceName(Reader resource) {
    String name = null;
    while (resource.more()) {
      int tag = resource.tag();
      if (tag >>> 3 == 1 && (tag & 7) == LEN) {
        Reader kv = resource.message();
        String key = null;
        String value = null;
        while (kv.more()) {
          int t = kv.tag();
          if (t >>> 3 == 1 && (t & 7) == LEN) {
            key = kv.string();
          } else if (t >>> 3 == 2 && (t & 7) == LEN) {
            Reader any = kv.message();
            while (any.more()) {
              int a = any.tag();
              if (a >>> 3 == 1 && (a & 7) == LEN) {
                value = any.string();
              } else {
                any.skip(a);
              }
            }
          } else {
            kv.skip(t);
          }
        }
        if ("service.name".equals(key)) {
          name = value;
        }
      } else {
        resource.skip(tag);
      }
    }
    return name;
  }

  private static String traceId(Reader span) {
    while (span.more()) {
      int tag = span.tag();
      if (tag >>> 3 == 1 && (tag & 7) == LEN) {
        return HexFormat.of().formatHex(span.bytes());
      }
      span.skip(tag);
    }
    return "";
  }

  /** A bounded view of a protobuf message's bytes. */
  private static final class Reader {
    private final byte[] b;
    private int pos;
    private final int end;

    Reader(byte[] b, int pos, int end) {
      this.b = b;
      this.pos = pos;
      this.end = end;
    }

    boolean more() {
      return pos < end;
    }

    int tag() {
      return (int) varint();
    }

    long varint() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= end) {
          throw new IllegalArgumentException("truncated varint");
        }
        byte x = b[pos++];
        v |= (long) (x & 0x7f) << shift;
        if (x >= 0) {
          return v;
        }
      }
      throw new IllegalArgumentException("malformed varint");
    }

    Reader message() {
      int length = (int) varint();
      if (length < 0 || pos + length > end) {
        throw new IllegalArgumentException("length beyond the message");
      }
      Reader inner = new Reader(b, pos, pos + length);
      pos += length;
      return inner;
    }

    String string() {
      Reader r = message();
      return new String(b, r.pos, r.end - r.pos, StandardCharsets.UTF_8);
    }

    byte[] bytes() {
      Reader r = message();
      return java.util.Arrays.copyOfRange(b, r.pos, r.end);
    }

    void skip(int tag) {
      switch (tag & 7) {
        case VARINT -> varint();
        case FIXED64 -> pos += 8;
        case LEN -> message();
        case FIXED32 -> pos += 4;
        default -> throw new IllegalArgumentException("wire type " + (tag & 7));
      }
      if (pos > end) {
        throw new IllegalArgumentException("field beyond the message");
      }
    }
  }
}
