package dev.bgrun.orchestrator.daemon;

import dev.bgrun.orchestrator.config.Durations;
import dev.bgrun.orchestrator.error.Fatal;
import dev.bgrun.orchestrator.messages.DaemonAnswers;
import dev.bgrun.orchestrator.os.Resources;
import dev.bgrun.orchestrator.state.StateRoot;
import dev.bgrun.orchestrator.supervisor.Supervisor;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The daemon process: takes the run lock (a second daemon exits at once), re-adopts the jobs on disk, serves
 * the socket, and exits after an idle period with no live job and no client ({@code BGRUN_IDLE_TIMEOUT},
 * default 10m). Jobs outlive it: {@code daemon stop} leaves them running for the next daemon to adopt.
 */
public final class DaemonMain {
    static final Duration DEFAULT_IDLE = Duration.ofMinutes(10);

    private DaemonMain() {
    }

    /** Looks at the old generation every {@link HeapTrim#PERIOD}, for as long as the daemon runs. */
    private static void trimHeap(HeapTrim trim) {
        while (true) {
            try {
                Thread.sleep(HeapTrim.PERIOD); // a period, not a wait for a condition
            } catch (InterruptedException e) {
                return;
            }
            trim.check();
        }
    }

    public static void main(String[] args) throws Exception {
        StateRoot root = new StateRoot(Path.of(args[0])).ensure();
        Consumer<String> log = message -> System.out.println(Instant.now() + " " + message);
        Fatal.install(log); // a dead internal thread or an Error ends the daemon, never leaves it half-alive
        try (FileChannel lockFile = FileChannel.open(root.runLock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock = lockFile.tryLock();
            if (lock == null) {
                log.accept("another daemon holds " + root.runLock() + "; exiting");
                return;
            }
            run(root, log);
        }
    }

    private static void run(StateRoot root, Consumer<String> log) throws IOException, InterruptedException {
        long pid = ProcessHandle.current().pid();
        Instant started = Instant.now();
        log.accept("daemon " + pid + " starting on " + root.socket());
        Supervisor supervisor = new Supervisor(root, log);
        supervisor.releaseEndedAfter(duration("BGRUN_RELEASE_AFTER", Supervisor.RELEASE_AFTER, log));
        supervisor.recover();
        Map<String, Handler> handlers = new HashMap<>();
        Object stopSignal = new Object();
        boolean[] stopRequested = {false};
        java.util.concurrent.atomic.AtomicReference<DaemonServer> serving = new java.util.concurrent.atomic.AtomicReference<>();
        Runnable stop = () -> {
            log.accept("stop requested");
            synchronized (stopSignal) {
                stopRequested[0] = true;
                stopSignal.notifyAll();
            }
        };
        Handler status = (a, r) -> {
            Runtime heap = Runtime.getRuntime();
            return new DaemonAnswers.Running(true, pid, DaemonMain.class.getPackage().getImplementationVersion(),
                    Protocol.VERSION, started.toString(), Duration.between(started, Instant.now()).toMillis(),
                    root.dir().toString(), root.socket().toString(), root.daemonLog().toString(), supervisor.jobs().size(),
                    supervisor.liveCount(), Math.max(0, serving.get().connections() - 1), // besides the one asking
                    rss(), heap.totalMemory() - heap.freeMemory(), heap.maxMemory(), Resources.threads(),
                    Resources.openFiles(), Resources.fileLimit() == Long.MAX_VALUE ? -1 : Resources.fileLimit(),
                    supervisor.exits().withPidfd(), root.dir().toFile().getUsableSpace(), deadlockedThreads());
        };
        handlers.put("ping", status);
        handlers.put("daemon.status", status);
        handlers.put("daemon.stop", (a, r) -> {
            stop.run();
            return new DaemonAnswers.Stopping(pid, supervisor.liveCount());
        });
        handlers.putAll(commands(supervisor));

        // The CLI's command host, when the CLI module is on the class path: thin clients' commands run here.
        DaemonExtension extension = java.util.ServiceLoader.load(DaemonExtension.class).findFirst().orElse(null);
        if (extension != null) {
            extension.start(new DaemonExtension.Context(root, java.util.Collections.unmodifiableMap(handlers),
                    BuildStamp.of(DaemonMain.class), log, stop));
        }

        HeapTrim trim = HeapTrim.ofSerial();
        if (trim != null) {
            supervisor.afterRelease(trim::request);
            Thread.ofVirtual().name("bgrun-heap-trim").start(() -> trimHeap(trim));
        }
        Duration idle = duration("BGRUN_IDLE_TIMEOUT", DEFAULT_IDLE, log);
        try (DaemonServer server = new DaemonServer(root.socket(), handlers, log, extension)) {
            serving.set(server);
            server.start();
            Files.writeString(root.dir().resolve("daemon.pid"), pid + "\n");
            log.accept("daemon " + pid + " ready; idle timeout " + Durations.format(idle));
            synchronized (stopSignal) {
                while (!stopRequested[0]) {
                    stopSignal.wait(1000);
                    boolean idleNow = supervisor.liveCount() == 0 && server.connections() == 0
                            && System.nanoTime() - server.lastActivity() > idle.toNanos();
                    if (idleNow) {
                        log.accept("idle for " + Durations.format(idle) + " with no live job; exiting");
                        break;
                    }
                }
            }
            // Let the answer to daemon.stop reach its client before the socket goes (briefly: a follower
            // that never leaves does not hold the stop up).
            long until = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            Thread.sleep(50);
            while (server.connections() > 0 && System.nanoTime() < until) {
                Thread.sleep(20);
            }
        } finally {
            supervisor.close();
            Files.deleteIfExists(root.dir().resolve("daemon.pid"));
            log.accept("daemon " + pid + " stopped");
        }
    }

    /** The protocol commands about jobs, their output and events (all but the daemon's own). */
    static Map<String, Handler> commands(Supervisor supervisor) {
        Map<String, Handler> handlers = new HashMap<>();
        new JobCommands(supervisor).register(handlers);
        new LogCommands(supervisor).register(handlers);
        new GroupCommand(supervisor).register(handlers);
        new EventCommands(supervisor).register(handlers);
        new ExpectCommand(supervisor).register(handlers);
        return handlers;
    }

    /** A duration from the daemon's environment; an invalid one is logged and the default used. */
    private static Duration duration(String variable, Duration fallback, Consumer<String> log) {
        String text = System.getenv(variable);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        Duration d = Durations.parse(text);
        if (d == null) {
            log.accept(variable + "=" + text + " is not a duration; using " + Durations.format(fallback));
            return fallback;
        }
        return d;
    }

    /** Threads the JVM finds deadlocked (on monitors or locks): always empty in a healthy daemon. */
    static List<String> deadlockedThreads() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long[] ids = threads.findDeadlockedThreads();
        if (ids == null) {
            return List.of();
        }
        List<String> names = new java.util.ArrayList<>();
        for (java.lang.management.ThreadInfo info : threads.getThreadInfo(ids, 1)) {
            if (info != null) {
                names.add(info.getThreadName() + " (waits for " + info.getLockName() + " held by " + info.getLockOwnerName() + ")");
            }
        }
        return names;
    }

    private static long rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException ignored) {
            // not on Linux: unknown
        }
        return -1;
    }
}
