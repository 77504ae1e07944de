package dev.bgrun.orchestrator.readiness;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;

/** Holds when the port accepts a TCP connection on 127.0.0.1 or ::1. */
public record PortProbe(String key, int port) implements Probe {
    private static final int CONNECT_TIMEOUT_MS = 200;

    @Override
    public String describe() {
        return key + " (" + port + ")";
    }

    @Override
    public boolean holds() {
        return accepting(port);
    }

    /** Whether something accepts connections on the port on loopback (v4 or v6). */
    public static boolean accepting(int port) {
        for (String host : List.of("127.0.0.1", "::1")) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getByName(host), port), CONNECT_TIMEOUT_MS);
                return true;
            } catch (IOException e) {
                // not this address; try the next
            }
        }
        return false;
    }

    @Override
    public long maxPauseMillis() {
        return 10; // a refused connect to a local port costs microseconds
    }
}
