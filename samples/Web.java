// Web.java — a tiny HTTP server for the bgrun sample stack.
// It exists to show URL readiness and health checks (GET /health) and a job that
// depends on two others with different conditions (db ready, migrate completed).
// GET / reports the schema_version stored in the toy Db (503 if the db is down).

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

public class Web {
    static int dbPort;

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(System.getenv().getOrDefault("WEB_PORT", "8080"));
        dbPort = Integer.parseInt(System.getenv().getOrDefault("DB_PORT", "5433"));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/health", ex -> respond(ex, 200, "ok\n"));
        server.createContext("/", Web::root);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("web: shutting down");
            System.out.flush();
            server.stop(0);
        }));
        server.start();
        System.out.println("web: listening on http://127.0.0.1:" + port);
        System.out.flush();
    }

    static void root(HttpExchange ex) throws IOException {
        if (!ex.getRequestURI().getPath().equals("/")) {
            respond(ex, 404, "not found\n");
            return;
        }
        try {
            String version = dbGet("schema_version");
            respond(ex, 200, "hello from the bgrun sample; schema_version=" + version + "\n");
        } catch (IOException e) {
            respond(ex, 503, "db unavailable: " + e.getMessage() + "\n");
        }
    }

    static String dbGet(String key) throws IOException {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", dbPort), 1000);
            socket.setSoTimeout(2000);
            var out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out.println("GET " + key);
            String reply = in.readLine();
            if (reply == null) throw new IOException("db closed the connection");
            return reply;
        }
    }

    static void respond(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        try (var os = ex.getResponseBody()) {
            os.write(bytes);
        }
    }
}
