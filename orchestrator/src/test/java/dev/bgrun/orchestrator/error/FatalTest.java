package dev.bgrun.orchestrator.error;

import dev.bgrun.orchestrator.daemon.DaemonLauncher;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A JVM of the daemon's kind exits at once, with a line, on the errors it must not live with (real child JVMs). */
class FatalTest {
    /** The child: installs the handlers, then fails the way its argument says, then waits to be killed. */
    public static void main(String[] args) throws Exception {
        Fatal.install(message -> System.out.println("log: " + message));
        switch (args[0]) {
            case "oom" -> {
                List<long[]> hoard = new ArrayList<>();
                while (true) {
                    hoard.add(new long[1 << 20]);
                }
            }
            case "thread" -> Thread.ofPlatform().name("bgrun-log-watch").start(() -> {
                throw new IllegalStateException("indexer bug");
            });
            case "timer" -> {
                ScheduledExecutorService timers = Fatal.timers(1, Thread.ofPlatform().name("bgrun-timer-", 0).daemon(true).factory(),
                        message -> System.out.println("log: " + message));
                timers.schedule(() -> {
                    throw new AssertionError("broken invariant");
                }, 1, TimeUnit.MILLISECONDS);
            }
            case "connection" -> Thread.ofVirtual().name("bgrun-conn").start(() -> {
                throw new IllegalArgumentException("one request's bug");
            }).join();
            default -> throw new IllegalArgumentException(args[0]);
        }
        if (!args[0].equals("connection")) {
            // Only the halt ends this wait: a deadline, not a pause (a JVM that was not halted says so after it).
            new java.util.concurrent.CountDownLatch(1).await(50, TimeUnit.SECONDS);
        }
        System.out.println("still alive"); // the connection thread's handler has run: join() returned after it
    }

    private record Exit(int status, String output) {
    }

    private static Exit child(String how) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(DaemonLauncher.JVM_OPTIONS);
        command.addAll(List.of("-Xmx32m", "-cp", System.getProperty("java.class.path"), FatalTest.class.getName(), how));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Exit(process.exitValue(), output);
    }

    @Test
    void outOfMemoryEndsTheJvmAtOnceWithALine() throws Exception {
        Exit exit = child("oom");
        assertThat(exit.status()).as(exit.output()).isNotZero();
        assertThat(exit.output()).contains("Terminating due to java.lang.OutOfMemoryError").doesNotContain("still alive");
    }

    @Test
    void aDeadInternalThreadHaltsWithALogLine() throws Exception {
        Exit exit = child("thread");
        assertThat(exit.status()).as(exit.output()).isEqualTo(Fatal.EXIT_STATUS);
        assertThat(exit.output()).contains("log: fatal: thread bgrun-log-watch died of java.lang.IllegalStateException: indexer bug")
                .doesNotContain("still alive");
    }

    @Test
    void anErrorInATimerTaskHalts() throws Exception {
        Exit exit = child("timer");
        assertThat(exit.status()).as(exit.output()).isEqualTo(Fatal.EXIT_STATUS);
        assertThat(exit.output()).contains("log: fatal: a timer task died of java.lang.AssertionError: broken invariant");
    }

    @Test
    void anExceptionOnAConnectionThreadIsOnlyLogged() throws Exception {
        Exit exit = child("connection");
        assertThat(exit.status()).as(exit.output()).isZero();
        assertThat(exit.output()).contains("log: thread bgrun-conn failed: java.lang.IllegalArgumentException")
                .contains("still alive");
    }

    @Test
    void onlyTheJvmsOwnFailuresAreFatal() {
        assertThat(Fatal.fatal(new OutOfMemoryError())).isTrue();
        assertThat(Fatal.fatal(new InternalError())).isTrue();
        assertThat(Fatal.fatal(new StackOverflowError())).isFalse();
        assertThat(Fatal.fatal(new IllegalStateException())).isFalse();
    }
}
