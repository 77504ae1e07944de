package dev.bgrun.cli.mcp;

import dev.bgrun.cli.Cli;
import dev.bgrun.cli.Invocation;
import dev.bgrun.orchestrator.json.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one {@code bgrun} command in this JVM, as the CLI would with {@code --json}, and keeps what it printed:
 * the tools answer with the CLI's own JSON, byte for byte.
 */
record CliCall(int exitCode, String stdout, String stderr) {

    /** Runs {@code bgrun ARGS} (the caller adds --json and -f). */
    static CliCall run(List<String> args) {
        CapturedInvocation invocation = new CapturedInvocation(Invocation.current());
        int code = Cli.execute(args.toArray(String[]::new), invocation);
        return new CliCall(code, invocation.stdout(), invocation.stderr());
    }

    /** The one JSON object printed on stdout, or null when there is none (an error). */
    Map<String, Object> document() {
        String text = stdout.strip();
        return text.isEmpty() ? null : Json.readObject(text);
    }

    /** Each line of NDJSON on stdout. */
    List<Map<String, Object>> lines() {
        List<Map<String, Object>> items = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            if (!line.isBlank()) {
                items.add(Json.readObject(line));
            }
        }
        return items;
    }

    /** The error envelope bgrun printed on stderr ({"ok":false,"error":{...}}), or null. */
    Map<String, Object> error() {
        String[] lines = stderr.strip().split("\n");
        String last = lines[lines.length - 1];
        return last.startsWith("{") ? Json.readObject(last) : null;
    }
}
