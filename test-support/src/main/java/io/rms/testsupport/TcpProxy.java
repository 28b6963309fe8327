package io.rms.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy for fault injection: forwards {@code 127.0.0.1:}{@link #port()} to a target and can
 * break the path in the ways networks break:
 *
 * <ul>
 *   <li>{@link #cut()}: every connection is closed and new ones are refused (the target looks
 *       down);
 *   <li>{@link #freeze()}: connections stay open but no byte moves either way (a hung peer, a
 *       partition without resets); {@link #heal()} lets the held bytes through;
 *   <li>{@link #dropResponses()}: requests reach the target, its answers are thrown away (a
 *       response lost after the work was done); {@link #heal()} closes the connections that lost
 *       bytes;
 *   <li>{@link #slow(long)}: every chunk from the target is delayed.
 * </ul>
 *
 * <p>Used in-process by the service's tests (broker outages) and by the fault-injection harness.
 */
public class TcpProxy implements AutoCloseable {

  /** What the proxy does with traffic now. */
  public enum Mode {
    /** Forwards everything. */
    PASS,
    /** Closes every connection, refuses new ones. */
    CUT,
    /** Holds connections open, forwards nothing. */
    FREEZE,
    /** Forwards requests, discards answers. */
    DROP_RESPONSES,
    /** Delays each chunk of an answer. */
    SLOW
  }

  private final ServerSocket server;
  private final String targetHost;
  private final int targetPort;
  private final String name;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private final Object gate = new Object();
  private final AtomicLong connections = new AtomicLong();
  private volatile Mode mode = Mode.PASS;
  private volatile long delayMillis;
  private volatile boolean closed;

  /** A proxy on a free loopback port. */
  public TcpProxy(String name, String targetHost, int targetPort) {
    this(name, 0, targetHost, targetPort);
  }

  /** A proxy on {@code port} (0: a free one). */
  public TcpProxy(String name, int port, String targetHost, int targetPort) {
    try {
      this.server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    this.name = name;
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    Thread acceptor = new Thread(this::accept, "tcp-proxy-" + name);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  public String name() {
    return name;
  }

  public Mode mode() {
    return mode;
  }

  /** Connections accepted so far. */
  public long connections() {
    return connections.get();
  }

  /** Drops all connections; new ones are closed at once until {@link #heal()}. */
  public void cut() {
    mode = Mode.CUT;
    for (Link link : links) {
      link.close();
    }
  }

  /** Stops moving bytes; connections stay open. */
  public void freeze() {
    mode = Mode.FREEZE;
  }

  /** Forwards requests but discards every answer. */
  public void dropResponses() {
    mode = Mode.DROP_RESPONSES;
  }

  /** Delays every chunk from the target by {@code millis}. */
  public void slow(long millis) {
    delayMillis = millis;
    mode = Mode.SLOW;
  }

  /**
   * Forwards normally again. Connections that lost answers while {@link #dropResponses()} was on
   * are closed (their byte streams are broken); frozen bytes are delivered.
   */
  public void heal() {
    Mode was = mode;
    mode = Mode.PASS;
    if (was == Mode.DROP_RESPONSES) {
      for (Link link : links) {
        if (link.lostBytes) {
          link.close();
        }
      }
    }
    synchronized (gate) {
      gate.notifyAll();
    }
  }

  private void accept() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        if (closed) {
          return;
        }
        continue;
      }
      if (mode == Mode.CUT) {
        closeQuietly(client);
        continue;
      }
      connections.incrementAndGet();
      Thread connect =
          new Thread(
              () -> {
                try {
                  Socket upstream = new Socket();
                  upstream.connect(new InetSocketAddress(targetHost, targetPort), 5000);
                  upstream.setTcpNoDelay(true);
                  client.setTcpNoDelay(true);
                  Link link = new Link(client, upstream);
                  links.add(link);
                  if (mode == Mode.CUT) {
                    link.close();
                    return;
                  }
                  pump(link, client, upstream, false);
                  pump(link, upstream, client, true);
                } catch (IOException e) {
                  closeQuietly(client);
                }
              },
              "tcp-proxy-" + name + "-connect");
      connect.setDaemon(true);
      connect.start();
    }
  }

  private void pump(Link link, Socket from, Socket to, boolean answers) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[16384];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  awaitNotFrozen();
                  Mode now = mode;
                  if (now == Mode.CUT) {
                    break;
                  }
                  if (answers && now == Mode.DROP_RESPONSES) {
                    link.lostBytes = true;
                    continue;
                  }
                  if (answers && now == Mode.SLOW && delayMillis > 0) {
                    Thread.sleep(delayMillis);
                  }
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (IOException ignored) {
                // connection dropped
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                link.close();
              }
            },
            "tcp-proxy-" + name + "-pump");
    t.setDaemon(true);
    t.start();
  }

  private void awaitNotFrozen() throws InterruptedException {
    synchronized (gate) {
      while (mode == Mode.FREEZE && !closed) {
        gate.wait(200);
      }
    }
  }

  private final class Link {
    final Socket client;
    final Socket upstream;
    volatile boolean lostBytes;

    Link(Socket client, Socket upstream) {
      this.client = client;
      this.upstream = upstream;
    }

    void close() {
      closeQuietly(client);
      closeQuietly(upstream);
      links.remove(this);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    closed = true;
    cut();
    synchronized (gate) {
      gate.notifyAll();
    }
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
