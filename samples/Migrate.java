// Migrate.java — a oneshot "migration" for the bgrun sample stack.
// It exists to show a job that is expected to finish (oneshot = true): it records
// schema_version 3 in the toy Db and exits 0, so jobs that wait for it
// ("completed") can start. Exits 1 if the db cannot be reached.

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

public class Migrate {
    public static void main(String[] args) {
        int port = Integer.parseInt(System.getenv().getOrDefault("DB_PORT", "5433"));
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(5000);
            var out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out.println("SET schema_version 3");
            String reply = in.readLine();
            if (!"OK".equals(reply)) {
                System.err.println("migrate: unexpected reply from db: " + reply);
                System.exit(1);
            }
            System.out.println("migrate: applied 3 migrations");
        } catch (IOException e) {
            System.err.println("migrate: cannot reach db at 127.0.0.1:" + port + ": " + e.getMessage());
            System.exit(1);
        }
    }
}
