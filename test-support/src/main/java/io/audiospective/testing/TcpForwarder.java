package io.audiospective.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Forwards TCP connections from a loopback port to a real server, so a test can make a dependency appear at an
 * address the service was configured with, at a moment the test chooses.
 */
public final class TcpForwarder implements AutoCloseable {

    private static final int FIRST_PORT = 20_000;
    private static final int PORTS = 12_000;

    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean refusing;

    private TcpForwarder(ServerSocket server, String targetHost, int targetPort) {
        this.server = server;
        this.targetHost = targetHost;
        this.targetPort = targetPort;
    }

    public static TcpForwarder start(int listenPort, String targetHost, int targetPort) throws IOException {
        ServerSocket server = new ServerSocket(listenPort, 50, InetAddress.getLoopbackAddress());
        TcpForwarder forwarder = new TcpForwarder(server, targetHost, targetPort);
        daemon("forward-accept-" + listenPort, forwarder::acceptLoop);
        return forwarder;
    }

    /**
     * A port that nothing listens on right now, for a process started next to bind. It is taken below Linux's
     * ephemeral range (32768-60999): a port from that range can become the local port of some outgoing connection
     * between this check and the process binding it (seen in CI: "Port ... seems to be in use").
     */
    public static int freePort() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = FIRST_PORT + ThreadLocalRandom.current().nextInt(PORTS);
            try (ServerSocket probe = new ServerSocket()) {
                probe.bind(new InetSocketAddress(port));
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("No free port in " + FIRST_PORT + "-" + (FIRST_PORT + PORTS - 1));
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (refusing) {
                    closeQuietly(client);
                    continue;
                }
                Socket upstream = new Socket(targetHost, targetPort);
                sockets.add(client);
                sockets.add(upstream);
                daemon("forward-up", () -> pipe(client, upstream));
                daemon("forward-down", () -> pipe(upstream, client));
            } catch (IOException e) {
                // closed, or the target refused this one connection: the client sees its socket close
            }
        }
    }

    private void pipe(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException e) {
            // one side went away; closing both ends below tells the other
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    /**
     * Simulates the dependency going away: drops every open connection and, until {@link #restore()}, closes new
     * ones as soon as they are accepted.
     */
    public void interrupt() {
        refusing = true;
        sockets.forEach(TcpForwarder::closeQuietly);
        sockets.clear();
    }

    /** Accepts and forwards connections again after {@link #interrupt()}. */
    public void restore() {
        refusing = false;
    }

    public int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() {
        closeQuietly(server);
        sockets.forEach(TcpForwarder::closeQuietly);
    }

    private static void daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // already closed
        }
    }
}
