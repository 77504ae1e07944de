package dev.bgrun.orchestrator.daemon;

import dev.bgrun.orchestrator.state.StateRoot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts the daemon as a detached process: its own session (so a terminal's hang-up or Ctrl-C does not reach
 * it), the same Java and class path as the caller, output to the daemon log.
 */
public final class DaemonLauncher {
    /**
     * A small heap that grows with need (the default initial heap, 1/64 of RAM, would be the daemon's RSS), up
     * to a fixed cap, with a fixed young generation of 4 MiB (all of it is touched, so all of it is RSS). What
     * survives it is promoted, and the serial collector grows the old generation for that rather than collect
     * it: {@link HeapTrim} collects the heap when the old generation grows past its live size, and the heap
     * then shrinks at once (ShrinkHeapInSteps off) to within 10% of what is live. The initial heap (16 MiB) is
     * above the young generation, else the JVM shrinks that at start and warns. No string deduplication: its
     * table and thread cost more (about 3.5 MiB in the soak) than the strings it shared. The 4 MiB young
     * generation and the 10% cost CPU where the daemon makes many jobs quickly (10,000 `run`s: about 2.5 ms of
     * CPU more each, from twice the young collections) and save about 7 MiB in the soak. The client compiler
     * only (TieredStopAtLevel=1): the daemon's work is short requests and I/O, and C2's code cache and compiler
     * arenas (tens of MiB at their peak) cost more than its speed gives. Native memory: the C heap trimmed
     * every 10 s, since glibc keeps what the JIT's arenas and NIO freed; see also {@link #MALLOC_ARENA_MAX}.
     * Out of memory, the JVM exits at once (its line goes to the daemon log) rather than lose a random thread
     * and run on half-alive: the next command starts a new daemon, which re-adopts the jobs.
     */
    public static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-Xms16m", "-Xmx1g", "-Xmn4m",
            "-XX:MinHeapFreeRatio=5", "-XX:MaxHeapFreeRatio=10", "-XX:-ShrinkHeapInSteps", "-Xss512k",
            "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1",
            "-XX:TrimNativeHeapInterval=10000", "-XX:+ExitOnOutOfMemoryError", "--enable-native-access=ALL-UNNAMED",
            "-Dbgrun.daemon=true");

    /**
     * glibc's malloc arenas in the daemon's environment: by default up to 8 per core, each holding on to what
     * its threads freed; two are enough for a process whose C heap is the JVM's own (jobs do not inherit the
     * daemon's environment: each gets that of its own {@code run} call).
     */
    static final String MALLOC_ARENA_MAX = "2";
    /** The environment variable whose JVM options (space-separated) are added after {@link #JVM_OPTIONS}. */
    public static final String EXTRA_OPTIONS = "BGRUN_DAEMON_JAVA_OPTIONS";

    private final String java;
    private final String classPath;

    public DaemonLauncher(String java, String classPath) {
        this.java = java;
        this.classPath = classPath;
    }

    /** Launches with the Java and class path of the running process. */
    public static DaemonLauncher ofCurrentProcess() {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String classPath = System.getProperty("java.class.path");
        if (classPath.endsWith(BuildStamp.CLIENT_JAR)) {
            classPath = BuildStamp.serverJar(Path.of(classPath)).toString(); // the client's jar holds no daemon
        }
        return new DaemonLauncher(java, classPath);
    }

    public Process launch(StateRoot root) throws IOException {
        String classPath = privateCopy(root);
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            command.add("/usr/bin/setsid");
        }
        command.add(java);
        command.addAll(JVM_OPTIONS);
        // Last, so they win: for measuring and tuning (a larger heap cap, a GC log), not needed to run.
        String extra = System.getenv(EXTRA_OPTIONS);
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.addAll(List.of("-cp", classPath, DaemonMain.class.getName(), root.dir().toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(root.daemonLog().toFile()))
                .redirectErrorStream(true);
        builder.environment().put("MALLOC_ARENA_MAX", MALLOC_ARENA_MAX);
        return builder.start();
    }

    /**
     * The daemon runs from its own copy of the jar: replacing the installed jar (an upgrade, a rebuild) under
     * a running JVM breaks its class loading. The copy is named after the jar's size and time, so a new
     * build gets a new copy the next time a daemon starts.
     */
    private String privateCopy(StateRoot root) throws IOException {
        Path jar = Path.of(this.classPath);
        if (!this.classPath.endsWith(".jar") || !Files.isRegularFile(jar)) {
            return this.classPath;
        }
        String stamp = BuildStamp.of(jar);
        Path copy = root.dir().resolve(BuildStamp.copyName(stamp));
        if (!Files.exists(copy)) {
            try (var old = Files.newDirectoryStream(root.dir(), "daemon-*.jar")) {
                for (Path p : old) {
                    Files.deleteIfExists(p); // a running daemon keeps its open copy until it exits
                }
            }
            Path tmp = root.dir().resolve("daemon-" + stamp + ".jar." + ProcessHandle.current().pid());
            Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, copy, StandardCopyOption.ATOMIC_MOVE);
        }
        return copy.toString();
    }
}
