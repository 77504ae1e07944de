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
            System.err.println("{\"ok\":false,\"error\":{\"type\":" + quote(e.type().name()) + ",\"message\":"
                    + quote(e.getMessage()) + ",\"details\":{\"hint\":" + (e.hint() == null ? "null" : quote(e.hint()))
                    + ",\"retryable\":" + e.type().retryable() + "}}}");
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
