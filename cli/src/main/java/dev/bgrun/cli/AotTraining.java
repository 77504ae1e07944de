package dev.bgrun.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The training run for the JDK's AOT cache ({@code scripts/lib/run-jar.sh}): runs the common commands once,
 * in JSON and human form, so that the classes they load are cached and every later start is faster.
 */
public final class AotTraining {
    private AotTraining() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("bgrun-aot");
        Path file = dir.resolve("bgrun.toml");
        Files.writeString(file, """
                workspace = "training"
                [defaults]
                stop-timeout = "5s"
                [jobs.db]
                cmd = ["sleep", "60"]
                allocate-port = "PORT"
                ready-when-port = "${PORT}"
                [jobs.migrate]
                cmd = "true"
                oneshot = true
                after = ["db"]
                env = { DB = "${db.PORT}" }
                [jobs.web]
                cmd = "sleep 60"
                after = { db = "ready", migrate = "completed" }
                ready-when-url = "http://127.0.0.1:8080/health"
                ready-when-regex = "listening on \\\\d+"
                """);
        Path broken = dir.resolve("broken.toml");
        Files.writeString(broken, "[jobs.a]\ncmd = 1\nready-when-prot = 2\nafter = [\"b\"]\n");
        // The daemon commands are trained against a real daemon in a private state root.
        Path home = dir.resolve("home");
        System.setProperty("bgrun.home", home.toString());
        String[][] runs = {
                {"config", "check", file.toString(), "--json"},
                {"config", "check", file.toString(), "--no-json"},
                {"config", "check", broken.toString(), "--json"},
                {"config", "check", broken.toString(), "--no-json"},
                {"config", "graph", "-f", file.toString(), "--json"},
                {"config", "graph", "-f", file.toString(), "--no-json"},
                {"config", "show", "-f", file.toString(), "--json"},
                {"--help"},
                {"--version"},
                {"daemon", "status", "--json"},
                {"run", "--name", "train", "--json", "--", "sleep", "30"},
                {"list", "--json"},
                {"list", "--no-json"},
                {"status", "train", "--json"},
                {"status", "train", "--no-json"},
                {"tail", "train", "--json"},
                {"wait", "train", "--json"},
                {"stop", "train", "--json"},
                {"clean", "--yes", "--json"},
                {"daemon", "status", "--no-json"},
                {"daemon", "stop", "--json"},
        };
        for (String[] run : runs) {
            StringWriter sink = new StringWriter();
            var cli = Cli.commandLine(run);
            cli.setOut(new PrintWriter(sink));
            cli.setErr(new PrintWriter(sink));
            cli.execute(run);
        }
        // The thin client's own path: the same kinds of calls, answered by a daemon (which the first one starts).
        String[][] clientRuns = {
                {"list", "--json"},
                {"--version"},
                {"run", "--name", "train2", "--json", "--", "sleep", "30"},
                {"status", "train2", "--json"},
                {"status", "train2", "--no-json"},
                {"tail", "train2", "--json"},
                {"list", "--no-json"},
                {"stop", "train2", "--json"},
                {"clean", "--yes", "--json"},
                {"daemon", "stop", "--json"},
        };
        for (String[] run : clientRuns) {
            dev.bgrun.cli.client.BgrunClient.execute(run);
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
