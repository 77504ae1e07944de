// Worker.java — a background worker for the bgrun sample stack.
// It exists to show a job with restart = "always" and a log-line readiness signal
// ("worker: started"): every second it polls the web job's /health and logs the result.
// Runs until killed.

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

public class Worker {
    public static void main(String[] args) throws InterruptedException {
        String port = System.getenv().getOrDefault("WEB_PORT", "8080");
        URI health = URI.create("http://127.0.0.1:" + port + "/health");
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).GET().build();
        System.out.println("worker: started");
        System.out.flush();
        for (long tick = 1; ; tick++) {
            String status;
            try {
                status = String.valueOf(client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode());
            } catch (java.io.IOException e) {
                status = "error (" + e.getClass().getSimpleName() + ")";
            }
            System.out.println("worker: tick " + tick + " status=" + status);
            System.out.flush();
            Thread.sleep(1000);
        }
    }
}
