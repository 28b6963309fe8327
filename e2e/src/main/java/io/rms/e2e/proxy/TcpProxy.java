package io.rms.e2e.proxy;

/**
 * The harness's name for the shared {@link io.rms.testsupport.TcpProxy}; it adds nothing. It goes
 * once the harness imports {@code io.rms.testsupport.TcpProxy} itself.
 */
public final class TcpProxy extends io.rms.testsupport.TcpProxy {

  /** A proxy on a free loopback port. */
  public TcpProxy(String name, String targetHost, int targetPort) {
    super(name, targetHost, targetPort);
  }
}
