// Db.java — a toy "database" for the bgrun sample stack.
// It exists so the sample needs nothing but a JDK: a long-running service with a
// log-line readiness signal ("db: listening on ...") and an allocated port (DB_PORT).
// Protocol, one command per line: PING -> PONG, SET k v -> OK, GET k -> value or NIL.

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

public class Db {
    static final Map<String, String> DATA = new ConcurrentHashMap<>();

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(System.getenv().getOrDefault("DB_PORT", "5433"));
        ServerSocket server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("db: shutting down");
            System.out.flush();
            try { server.close(); } catch (IOException ignored) { }
        }));
        System.out.println("db: listening on 127.0.0.1:" + port);
        System.out.flush();
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                new Thread(() -> serve(client)).start(); // plain threads: the samples run on any JDK from 17
            } catch (IOException e) {
                if (!server.isClosed()) System.err.println("db: accept failed: " + e.getMessage());
            }
        }
    }

    static void serve(Socket client) {
        try (client;
             var in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
             var out = new PrintWriter(client.getOutputStream(), true, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(handle(line.strip()));
            }
        } catch (IOException ignored) {
            // client went away; nothing to do
        }
    }

    static String handle(String line) {
        String[] parts = line.split("\\s+", 3);
        return switch (parts[0].toUpperCase()) {
            case "PING" -> "PONG";
            case "SET" -> {
                if (parts.length < 3) yield "ERR usage: SET key value";
                DATA.put(parts[1], parts[2]);
                yield "OK";
            }
            case "GET" -> parts.length < 2 ? "ERR usage: GET key" : DATA.getOrDefault(parts[1], "NIL");
            default -> "ERR unknown command";
        };
    }
}
