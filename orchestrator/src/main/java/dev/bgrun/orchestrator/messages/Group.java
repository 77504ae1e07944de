package dev.bgrun.orchestrator.messages;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.bgrun.orchestrator.messages.Shape.Kind;
import dev.bgrun.orchestrator.messages.Shape.Min;
import dev.bgrun.orchestrator.messages.Shape.Nullable;
import dev.bgrun.orchestrator.messages.Shape.Of;
import dev.bgrun.orchestrator.messages.Shape.Tagged;
import dev.bgrun.orchestrator.messages.Shape.Values;

import java.util.List;
import java.util.Map;

/** What {@code run_group} streams and answers (run-group, up, exec): its items and its result. */
public final class Group {
    private Group() {
    }

    /** One job of the group. */
    public record Job(@Of(Kind.JOB_ID) String id,
                      String name,
                      @Of(Kind.WORKSPACE) String workspace,
                      @Of(Kind.STATE) String state,
                      String reason,
                      @JsonPropertyDescription("completed for a oneshot job") @Values({"ready", "completed"}) String target,
                      boolean reached,
                      @JsonPropertyDescription("since the command began; 0 for a job already there") @Nullable @Min(0) Long reachedMs,
                      @JsonPropertyDescription("alive already, left as it was") boolean reused,
                      @Nullable Long pid,
                      @Of(Kind.PORT) Map<String, Integer> ports,
                      @JsonPropertyDescription("only for a blocked job") @JsonInclude(JsonInclude.Include.NON_NULL) BlockedBy blockedBy) {
        /** A member, from its job's view: its state, reason, pid, ports and root cause now. */
        public static Job of(Map<String, Object> view, String id, String name, String target, Long reachedMs, boolean reused) {
            return new Job(id, name, Data.string(view, "workspace"), Data.string(view, "state"), Data.string(view, "reason"),
                    target, reachedMs != null, reachedMs, reused, Data.whole(view, "pid"), Data.as(view.get("ports")),
                    BlockedBy.of(Data.object(view, "blocked_by")));
        }
    }

    /** The jobs as soon as the daemon has them: the first item. */
    @Tagged("submitted")
    public record Submitted(String type, @JsonPropertyDescription("the jobs as soon as the daemon has them") List<Job> jobs) {
        public Submitted(List<Job> jobs) {
            this("submitted", jobs);
        }
    }

    /** A transition of a group's job (the event's, plus elapsed_ms). */
    @Tagged("transition")
    public record Transition(String type,
                             @Of(Kind.TIME) String at,
                             @Of(Kind.JOB_ID) String id,
                             String job,
                             @Of(Kind.WORKSPACE) String workspace,
                             @JsonPropertyDescription("null for the job's first transition in this run") @Nullable @Of(Kind.STATE) String from,
                             @Of(Kind.STATE) String to,
                             String reason,
                             @Min(0) int incarnation,
                             @JsonPropertyDescription("since the command began") @Min(0) long elapsedMs) {
        /** From a transition event of the log. */
        public static Transition of(Map<String, Object> event, long elapsedMs) {
            return new Transition("transition", Data.string(event, "at"), Data.string(event, "job_id"), Data.string(event, "job"),
                    Data.string(event, "workspace"), Data.string(event, "from"), Data.string(event, "to"),
                    Data.string(event, "reason"), Data.integer(event, "incarnation"), elapsedMs);
        }
    }

    /** An output line of a group's job (up). */
    @Tagged("line")
    public record OutputLine(String type, String job, @Of(Kind.JOB_ID) String id, @JsonUnwrapped Line line) {
        public OutputLine(String job, String id, Line line) {
            this("line", job, id, line);
        }
    }

    /** The client read so slowly that transitions left the event log's memory; the stream goes on. */
    @Tagged("fell_behind")
    public record FellBehind(String type,
                             @JsonPropertyDescription("the event cursor after which transitions were not streamed: bgrun events --since CURSOR") String cursor,
                             @JsonPropertyDescription("the event cursor the stream goes on after") String resumedAt) {
        public FellBehind(String cursor, String resumedAt) {
            this("fell_behind", cursor, resumedAt);
        }
    }

    /** The result: run-group's answer, up's result item, exec's error details. */
    @Tagged("result")
    public record Result(String type,
                         @JsonPropertyDescription("every job reached its target") boolean ok,
                         boolean detached,
                         boolean timedOut,
                         @Min(0) long elapsedMs,
                         @JsonPropertyDescription("in start order") List<Job> jobs,
                         @JsonPropertyDescription("only on failure: the job at the root of it") @JsonInclude(JsonInclude.Include.NON_NULL) Failure failure,
                         @JsonPropertyDescription("only on failure: the jobs it blocked") @JsonInclude(JsonInclude.Include.NON_NULL) List<String> blocked,
                         @JsonPropertyDescription("only on a timeout: the jobs not there yet") @JsonInclude(JsonInclude.Include.NON_NULL) List<String> pending) {
        public Result(boolean ok, boolean detached, boolean timedOut, long elapsedMs, List<Job> jobs, Failure failure,
                      List<String> blocked, List<String> pending) {
            this("result", ok, detached, timedOut, elapsedMs, jobs, failure, blocked, pending);
        }
    }

    /** The job at the root of a failure. */
    public record Failure(String job,
                          @Of(Kind.JOB_ID) String id,
                          @Of(Kind.STATE) String state,
                          String reason,
                          @Nullable Integer exitCode,
                          @JsonPropertyDescription("up to 10 lines of its current incarnation") List<Line> lastLines,
                          @Min(0) long totalLines,
                          Log log) {
        /** Its log files. */
        public record Log(String stdout, String stderr) {
        }
    }

    /** The last item of up, when every job ended by itself. */
    @Tagged("end")
    public record End(String type, @JsonPropertyDescription("the final state of each job") List<Job> jobs) {
        public End(List<Job> jobs) {
            this("end", jobs);
        }
    }
}
