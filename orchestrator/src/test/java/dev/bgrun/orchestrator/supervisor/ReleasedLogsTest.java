package dev.bgrun.orchestrator.supervisor;

import dev.bgrun.orchestrator.job.JobState;
import dev.bgrun.orchestrator.logs.LogLine;
import dev.bgrun.orchestrator.logs.LogStore;
import dev.bgrun.orchestrator.state.StateRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An ended job's log store, once released, is held weakly: a store someone still holds is the one given out
 * again (two stores over one index would corrupt it), and one nobody holds is freed and made again from disk.
 */
class ReleasedLogsTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    @Test
    void aReleasedStoreIsGivenOutAgainWhileHeldAndMadeAgainFromDiskOnceUnreachable() throws Exception {
        try (Supervisor sv = new Supervisor(new StateRoot(tmp.resolve("root")).ensure(), message -> { })) {
            Job job = sv.run(new RunRequest("done", "default",
                    Map.of("cmd", "echo one; echo two", "oneshot", true, "log-max-size-mb", 3),
                    null, tmp.toString(), Map.of("PATH", System.getenv("PATH")), false)).job();
            assertThat(sv.await(job, JobState::terminal, WAIT)).isEqualTo(JobState.EXITED);
            JobActor actor = sv.actors().stream().filter(a -> a.id.equals(job.id())).findFirst().orElseThrow();
            LogStore held = sv.logs(job);
            assertThat(texts(held)).containsExactly("one", "two");

            sv.releaseEndedAfter(Duration.ZERO);
            await().atMost(WAIT).until(() -> actor.openLogs() == null);
            assertThat(actor.logsReleased).isTrue();
            // Held by this reader (as by a follower or a read in progress): the same store, never a second one.
            assertThat(sv.logs(job)).isSameAs(held);
            assertThat(texts(sv.logs(job))).containsExactly("one", "two");

            // The sweep gives it up again; once nobody holds it, it is freed, and a read makes a new one from disk.
            await().atMost(WAIT).until(() -> actor.openLogs() == null);
            WeakReference<LogStore> gone = new WeakReference<>(held);
            held = null;
            await().atMost(WAIT).until(() -> {
                System.gc();
                return gone.get() == null;
            });
            LogStore again = sv.logs(job);
            assertThat(again).isNotNull();
            assertThat(texts(again)).containsExactly("one", "two");
            assertThat(again.lineCount()).isEqualTo(2);
            assertThat(actor.watch).as("a released job is not watched again by a read").isNull();
        }
    }

    @Test
    void readersRacingTheSweepAndTheCollectorSeeOneIndexWithEveryLineOnce() throws Exception {
        int lines = 3000;
        try (Supervisor sv = new Supervisor(new StateRoot(tmp.resolve("root")).ensure(), message -> { })) {
            // The job ends at once; a process it left behind goes on writing to its log, so reads index new
            // lines while the sweep gives the store up and the collector frees it: two stores at once would
            // write two records for a line.
            Job job = sv.run(new RunRequest("leaves", "default",
                    Map.of("cmd", "echo first; (i=1; while [ $i -le " + lines + " ]; do echo x$i; "
                            + "[ $((i % 20)) -eq 0 ] && sleep 0.02; i=$((i+1)); done) &", "oneshot", true),
                    null, tmp.toString(), Map.of("PATH", System.getenv("PATH")), false)).job();
            assertThat(sv.await(job, JobState::terminal, WAIT)).isEqualTo(JobState.EXITED);
            sv.releaseEndedAfter(Duration.ZERO);
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            // The stores readers hold at this moment, each with its count of holders: never more than one store.
            Map<LogStore, Integer> held = new java.util.IdentityHashMap<>();
            Thread collector = Thread.ofPlatform().start(() -> {
                while (!done.get()) {
                    System.gc();
                    Thread.onSpinWait();
                }
            });
            try (var readers = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                List<java.util.concurrent.Future<?>> all = new java.util.ArrayList<>();
                for (int r = 0; r < 4; r++) {
                    all.add(readers.submit(() -> {
                        long deadline = System.nanoTime() + WAIT.toNanos();
                        while (System.nanoTime() < deadline) {
                            LogStore store = sv.logs(job);
                            synchronized (held) {
                                held.merge(store, 1, Integer::sum);
                                assertThat(held).as("stores held at once").hasSize(1);
                            }
                            List<LogLine> got;
                            try {
                                store.catchUp(1, false); // complete lines only: the writer may be mid-line
                                got = store.range(1, lines + 10);
                            } finally {
                                synchronized (held) {
                                    held.computeIfPresent(store, (k, n) -> n == 1 ? null : n - 1);
                                }
                            }
                            for (int i = 0; i < got.size(); i++) { // every line once, in order, whatever came so far
                                assertThat(got.get(i).number()).isEqualTo(i + 1);
                                assertThat(got.get(i).text()).isEqualTo(i == 0 ? "first" : "x" + i);
                            }
                            if (got.size() == lines + 1) {
                                return null;
                            }
                        }
                        throw new AssertionError("the leftover's lines were not all indexed within " + WAIT);
                    }));
                }
                for (var f : all) {
                    f.get(WAIT.toSeconds() + 30, java.util.concurrent.TimeUnit.SECONDS);
                }
            } finally {
                done.set(true);
                collector.join(WAIT.toMillis());
            }
            await().atMost(WAIT).until(() -> sv.actors().stream().allMatch(a -> a.openLogs() == null));
            LogStore last = sv.logs(job);
            assertThat(last.lineCount()).isEqualTo(lines + 1);
            assertThat(java.nio.file.Files.size(last.dir().resolve("lines.idx"))).as("one record a line")
                    .isEqualTo((lines + 1) * 48L);
        }
    }

    private static List<String> texts(LogStore store) {
        return store.tail(10).stream().map(LogLine::text).toList();
    }
}
