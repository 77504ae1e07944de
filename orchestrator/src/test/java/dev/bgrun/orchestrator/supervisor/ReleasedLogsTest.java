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

    private static List<String> texts(LogStore store) {
        return store.tail(10).stream().map(LogLine::text).toList();
    }
}
