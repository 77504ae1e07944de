package dev.bgrun.cli.client;

import dev.bgrun.cli.Terminal;
import dev.bgrun.orchestrator.error.BgrunException;

/**
 * An error the client meets on its own (the daemon cannot be started or reached), printed as the commands print
 * theirs: the JSON envelope on stderr when output is JSON, else {@code error:} and {@code hint:} lines. Written
 * by hand: the client carries no JSON library.
 */
final class ClientErrors {
    private ClientErrors() {
    }

    /** Prints the error and returns its exit code. */
    static int print(BgrunException e, String[] args) {
        if (json(args)) {
            StringBuilder details = new StringBuilder("{");
            e.details().forEach((key, value) -> details.append(quote(key)).append(':').append(value(value)).append(','));
            details.append("\"hint\":").append(e.hint() == null ? "null" : quote(e.hint()))
                    .append(",\"retryable\":").append(e.type().retryable()).append('}');
            System.err.println("{\"ok\":false,\"error\":{\"type\":" + quote(e.type().name()) + ",\"message\":"
                    + quote(e.getMessage()) + ",\"details\":" + details + "}}");
        } else {
            System.err.println("error: " + e.getMessage());
            if (e.hint() != null) {
                System.err.println("hint: " + e.hint());
            }
        }
        System.err.flush();
        return e.type().exitCode();
    }

    private static boolean json(String[] args) {
        for (String arg : args) {
            if (arg.equals("--")) {
                break;
            }
            if (arg.equals("--json")) {
                return true;
            }
            if (arg.equals("--no-json")) {
                return false;
            }
        }
        return !Terminal.isTerminal(1);
    }

    /** A detail's value: numbers and booleans as they are, lists as arrays, anything else as a string. */
    private static String value(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        if (value instanceof java.util.List<?> list) {
            StringBuilder b = new StringBuilder("[");
            for (Object item : list) {
                b.append(b.length() > 1 ? "," : "").append(value(item));
            }
            return b.append(']').toString();
        }
        return quote(String.valueOf(value));
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
