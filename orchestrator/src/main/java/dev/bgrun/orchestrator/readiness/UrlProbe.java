package dev.bgrun.orchestrator.readiness;

import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

import java.io.IOException;
import java.time.Duration;

/** Holds when a GET of the URL answers 2xx (or one of {@code okStatuses}), within a short per-request timeout. */
public record UrlProbe(String key, String url, java.util.Set<Integer> okStatuses, OkHttpClient client) implements Probe {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);

    /** One client for all URL probes: they share its connection pool and threads. */
    public static OkHttpClient newClient() {
        return new OkHttpClient.Builder()
                .callTimeout(REQUEST_TIMEOUT)
                .connectTimeout(REQUEST_TIMEOUT)
                .readTimeout(REQUEST_TIMEOUT)
                .followRedirects(true)
                .retryOnConnectionFailure(true) // a pooled connection the server closed (HTTP/1.0) is retried, not a failed poll
                .build();
    }

    @Override
    public String describe() {
        return key + " (" + url + ")";
    }

    @Override
    public boolean holds() {
        try (Response response = client.newCall(new Request.Builder().url(url).get()
                // A fresh connection per poll: a kept-alive one can stall ~40 ms on a server whose answer
                // meets Nagle and a delayed ACK, and an HTTP/1.0 server closes it anyway.
                .header("Connection", "close").build()).execute()) {
            return response.isSuccessful() || okStatuses.contains(response.code());
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public long maxPauseMillis() {
        return 20; // a GET on a local server costs well under a millisecond
    }
}
