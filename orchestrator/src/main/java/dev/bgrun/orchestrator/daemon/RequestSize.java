package dev.bgrun.orchestrator.daemon;

import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Explains a request over {@link Protocol#MAX_REQUEST_BYTES}. The usual cause is the caller's environment,
 * which {@code run} and {@code run_group} carry whole (a job inherits it): the error says how large it is,
 * which variables weigh most, and how to send less. Plain JDK: the thin client, whose first message carries
 * the environment too, explains it with the same words.
 */
public final class RequestSize {
    static final String DAEMON_HINT = "run and run_group requests carry the caller's environment: a very large "
            + "environment is the usual cause; unset large variables before calling bgrun";
    private static final int LARGEST_SHOWN = 3;

    private RequestSize() {
    }

    static BgrunException forRequest(String cmd, int requestBytes, Map<String, Object> args) {
        return tooLarge(cmd, requestBytes, args.get("env") instanceof Map<?, ?> env ? env : Map.of());
    }

    /** A message of {@code requestBytes} carrying {@code env} is over the limit: what to say. */
    public static BgrunException tooLarge(String cmd, int requestBytes, Map<?, ?> env) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("request_bytes", requestBytes);
        details.put("limit_bytes", Protocol.MAX_REQUEST_BYTES);
        StringBuilder message = new StringBuilder("the " + cmd + " request is " + size(requestBytes)
                + ", over the daemon's limit of " + size(Protocol.MAX_REQUEST_BYTES));
        if (env.isEmpty()) {
            return new BgrunException(ErrorType.UsageError, message.toString(), "send less: split the request", details, null);
        }
        int envBytes = bytes(env);
        List<? extends Map.Entry<?, ?>> largest = env.entrySet().stream()
                .sorted(Comparator.comparingInt((Map.Entry<?, ?> e) -> String.valueOf(e.getValue()).length()).reversed())
                .limit(LARGEST_SHOWN).toList();
        message.append("; your environment (which the job inherits) is ").append(size(envBytes)).append(" of it");
        message.append(", largest: ").append(String.join(", ", largest.stream()
                .map(e -> e.getKey() + " (" + size(String.valueOf(e.getValue()).length()) + ")").toList()));
        details.put("env_bytes", envBytes);
        details.put("largest_env", largest.stream().map(e -> String.valueOf(e.getKey())).toList());
        String first = String.valueOf(largest.getFirst().getKey());
        return new BgrunException(ErrorType.UsageError, message.toString(),
                "unset the large variables for the call (env -u " + first + " bgrun ...), or start from a small "
                        + "environment (env -i PATH=\"$PATH\" HOME=\"$HOME\" bgrun ...) and give the job what it needs "
                        + "with --env NAME=VALUE", details, null);
    }

    /** About what the variables weigh in a message: names, values and a few bytes of quoting each. */
    private static int bytes(Map<?, ?> env) {
        int total = 2;
        for (Map.Entry<?, ?> e : env.entrySet()) {
            total += String.valueOf(e.getKey()).getBytes(StandardCharsets.UTF_8).length
                    + String.valueOf(e.getValue()).getBytes(StandardCharsets.UTF_8).length + 6;
        }
        return total;
    }

    private static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " bytes";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }
}
