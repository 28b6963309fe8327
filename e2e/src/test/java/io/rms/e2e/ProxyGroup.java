package io.rms.e2e;

import io.rms.testsupport.TcpProxy;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One proxy in front of each node of the broker cluster. A fault between the service and "the
 * broker" is injected on all of them at once; a client would otherwise fail over to a node whose
 * proxy still passes.
 */
final class ProxyGroup implements AutoCloseable {
  private final List<TcpProxy> proxies;

  ProxyGroup(String name, RabbitCluster cluster) {
    this.proxies =
        cluster.nodes.stream()
            .map(n -> new TcpProxy(name + "-" + n.port, "127.0.0.1", n.port))
            .toList();
  }

  /** {@code host:port,...} of the proxies, in the order of the cluster's nodes. */
  String addresses() {
    return proxies.stream().map(p -> "127.0.0.1:" + p.port()).collect(Collectors.joining(","));
  }

  void cut() {
    proxies.forEach(TcpProxy::cut);
  }

  void freeze() {
    proxies.forEach(TcpProxy::freeze);
  }

  void heal() {
    proxies.forEach(TcpProxy::heal);
  }

  @Override
  public void close() {
    proxies.forEach(TcpProxy::close);
  }
}
