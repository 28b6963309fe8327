package io.rms.service.web;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;

/**
 * A request body stream that counts the bytes read through it and lets a subclass act before a read
 * ({@link #beforeRead}, with the most bytes it may return) and after it ({@link #afterRead}, with
 * the count so far): the body size limit and the body budget are two such streams.
 */
abstract class CountingInputStream extends ServletInputStream {
  private final ServletInputStream in;
  private long count;

  CountingInputStream(ServletInputStream in) {
    this.in = in;
  }

  /** The bytes read so far. */
  final long count() {
    return count;
  }

  /** Called before a read that may return up to {@code length} bytes. */
  void beforeRead(int length) throws IOException {}

  /** Called after a read that returned bytes, with the new count. */
  void afterRead(long count) throws IOException {}

  @Override
  public final int read() throws IOException {
    beforeRead(1);
    int b = in.read();
    if (b >= 0) {
      afterRead(++count);
    }
    return b;
  }

  @Override
  public final int read(byte[] buffer, int offset, int length) throws IOException {
    beforeRead(length);
    int n = in.read(buffer, offset, length);
    if (n > 0) {
      afterRead(count += n);
    }
    return n;
  }

  @Override
  public boolean isFinished() {
    return in.isFinished();
  }

  @Override
  public boolean isReady() {
    return in.isReady();
  }

  @Override
  public void setReadListener(ReadListener listener) {
    in.setReadListener(listener);
  }
}
