package dev.bgrun.orchestrator.messages;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.bgrun.orchestrator.messages.Shape.Const;
import dev.bgrun.orchestrator.messages.Shape.Min;
import dev.bgrun.orchestrator.messages.Shape.Nullable;
import dev.bgrun.orchestrator.messages.Shape.Of;

import java.util.List;

/** What the daemon answers to {@code daemon status} and {@code daemon stop} (the CLI says itself when none runs). */
public final class DaemonAnswers {
    private DaemonAnswers() {
    }

    /** The running daemon ({@code ping}, {@code daemon.status}). */
    public record Running(@Const("true") boolean running,
                          long pid,
                          @Nullable String version,
                          @JsonPropertyDescription("the protocol version") int protocol,
                          @Of(Shape.Kind.TIME) String startedAt,
                          @Min(0) long uptimeMs,
                          @JsonPropertyDescription("the state root") String root,
                          String socket,
                          @JsonPropertyDescription("the daemon's log file") String log,
                          @JsonPropertyDescription("jobs it knows") @Min(0) int jobs,
                          @JsonPropertyDescription("alive ones") @Min(0) long liveJobs,
                          @JsonPropertyDescription("other clients connected now (followers of tail, events, up)") @Min(0) int connections,
                          @JsonPropertyDescription("its own resident memory") @Min(0) long rssBytes,
                          @JsonPropertyDescription("Java heap in use now") @Min(0) long heapUsedBytes,
                          @JsonPropertyDescription("the heap's cap") @Min(0) long heapMaxBytes,
                          @JsonPropertyDescription("its platform threads (virtual ones cost no OS thread)") @Min(0) int threads,
                          @JsonPropertyDescription("its open file descriptors; -1 when unknown") long openFiles,
                          @JsonPropertyDescription("its limit of open files (ulimit -n); -1 when unknown or unlimited") long fileLimit,
                          @JsonPropertyDescription("shims watched with a pidfd; the others (beyond the file budget) are looked up in /proc once a second")
                          @Min(0) int exitsWatchedByPidfd,
                          @JsonPropertyDescription("free space on the state root's filesystem for this user") @Min(0) long diskFreeBytes,
                          @JsonPropertyDescription("threads the JVM finds deadlocked; always empty in a healthy daemon") List<String> deadlockedThreads) {
    }

    /** The daemon stopping ({@code daemon.stop}); its jobs keep running. */
    public record Stopping(@Const("true") boolean stopping,
                           long pid,
                           @JsonPropertyDescription("alive jobs, which keep running") @Min(0) long liveJobs) {
        public Stopping(long pid, long liveJobs) {
            this(true, pid, liveJobs);
        }
    }
}
