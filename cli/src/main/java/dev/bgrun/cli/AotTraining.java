package dev.bgrun.cli;

import dev.bgrun.cli.client.BgrunClient;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The training runs for the JDK's AOT caches ({@code scripts/lib/run-jar.sh}), one per kind of process, since a
 * cache's classes cost start-up time whether a run uses them or not:
 * <ul>
 *   <li>{@code client}: the thin client's calls, answered by a daemon that the launcher started before (in a
 *       private state root, {@code BGRUN_HOME}) and stops after, with JVMs of its own: the cache then holds the
 *       client's few classes and the JDK's socket and file classes, and nothing that only starting a daemon, or
 *       the training itself, loads (a process builder, a directory walk: a hundred classes more, loaded by
 *       every call);</li>
 *   <li>{@code local}: the commands that run in the client's own JVM when no daemon runs ({@code config},
 *       {@code --help}, {@code --version}, {@code schema}), in JSON and human form, valid and broken files.</li>
 * </ul>
 */
public final class AotTraining {
    private AotTraining() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !args[0].equals("local")) {
            client();
            return;
        }
        // Not Files.createTempDirectory: its random name seeds a SecureRandom, and the security classes that
        // loads would go into the cache, to be loaded by every call.
        Path dir = Files.createDirectory(Path.of(System.getProperty("java.io.tmpdir"),
                "bgrun-aot-" + ProcessHandle.current().pid() + "-" + System.nanoTime()));
        try {
            // Every call works in a private state root (the bgrun.home system property), never the user's.
            System.setProperty("bgrun.home", dir.resolve("home").toString());
            local(dir);
        } finally {
            delete(dir);
        }
    }

    /** Deletes a tree (without streams, whose classes would go into the client's cache). */
    private static void delete(Path path) throws java.io.IOException {
        if (Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (var entries = Files.newDirectoryStream(path)) {
                for (Path entry : entries) {
                    delete(entry);
                }
            }
        }
        Files.deleteIfExists(path);
    }

    private static void client() {
        if (System.getenv("BGRUN_HOME") == null) {
            // Never the user's own state root: its jobs would be listed, and a `clean` would remove them.
            throw new IllegalStateException("the client training runs against a daemon in a private state root: set BGRUN_HOME");
        }
        String[][] runs = {
                {"list", "--json"},
                {"run", "--name", "train", "--json", "--", "sleep", "30"},
                {"status", "train", "--json"},
                {"status", "train", "--no-json"},
                {"tail", "train", "--json"},
                {"wait", "train", "--json"},
                {"list", "--no-json"},
                {"--version"},
                {"stop", "train", "--json"},
                {"clean", "--yes", "--json"},
        };
        for (String[] run : runs) {
            BgrunClient.execute(run);
        }
    }

    private static void local(Path dir) throws Exception {
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
        };
        for (String[] run : runs) {
            StringWriter sink = new StringWriter();
            var cli = Cli.commandLine(run);
            cli.setOut(new PrintWriter(sink));
            cli.setErr(new PrintWriter(sink));
            cli.execute(run);
        }
    }
}
