package dev.bgrun.orchestrator.messages;

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

/**
 * One event of the event log ({@code events}); its type decides its fields. The log keeps events as plain data
 * (its files hold them as JSON lines); {@link #of} types one as it is sent.
 */
public sealed interface Event permits Event.Transition, Event.Health, Event.Alert, Event.Notify {
    /** This event's common fields. */
    Head head();

    /** The fields every event has. */
    record Head(@JsonPropertyDescription("only grows, across daemon restarts too") @Min(1) long id,
                @JsonPropertyDescription("the id as a string, for --since") String cursor,
                @Of(Kind.TIME) String at,
                String type,
                @JsonPropertyDescription("the job's name") String job,
                @Of(Kind.JOB_ID) String jobId,
                @Of(Kind.WORKSPACE) String workspace) {
    }

    /** A job changed state. */
    @Tagged("transition")
    record Transition(@JsonUnwrapped Head head,
                      @JsonPropertyDescription("null for a job's first transition") @Nullable @Of(Kind.STATE) String from,
                      @Of(Kind.STATE) String to,
                      String reason,
                      @Min(0) int incarnation) implements Event {
    }

    /** A line of the job's output carried a BGRUN_NOTIFY: marker. */
    @Tagged("notify")
    record Notify(@JsonUnwrapped Head head,
                  @JsonPropertyDescription("the text after BGRUN_NOTIFY:, trimmed") String message,
                  @Of(Kind.STREAM) String stream,
                  @Min(1) long lineNumber,
                  @Min(0) int incarnation) implements Event {
    }

    /** A health check failed. */
    @Tagged("health")
    record Health(@JsonUnwrapped Head head,
                  @JsonPropertyDescription("failed checks in a row") @Min(1) int failures,
                  @JsonPropertyDescription("the job fails at this many") @Min(1) int threshold,
                  @JsonPropertyDescription("the probes that failed") List<String> failed,
                  @Min(0) int incarnation) implements Event {
    }

    /** A job's on-failure, on-success or on-stop alert. */
    @Tagged("alert")
    record Alert(@JsonUnwrapped Head head,
                 @Values({"failure", "success", "stop"}) String outcome,
                 @Of(Kind.STATE) String state,
                 @Nullable Integer exitCode,
                 String reason,
                 @Min(0) int incarnation,
                 @JsonPropertyDescription("the job's last 5 lines") List<String> lastLines) implements Event {
    }

    /** The event of the log's plain data, typed. */
    static Event of(Map<String, Object> e) {
        Head head = new Head(Data.whole(e, "id"), Data.string(e, "cursor"), Data.string(e, "at"), Data.string(e, "type"),
                Data.string(e, "job"), Data.string(e, "job_id"), Data.string(e, "workspace"));
        return switch (head.type()) {
            case "transition" -> new Transition(head, Data.string(e, "from"), Data.string(e, "to"), Data.string(e, "reason"),
                    Data.integer(e, "incarnation"));
            case "notify" -> new Notify(head, Data.string(e, "message"), Data.string(e, "stream"), Data.whole(e, "line_number"),
                    Data.integer(e, "incarnation"));
            case "health" -> new Health(head, Data.integer(e, "failures"), Data.integer(e, "threshold"),
                    Data.strings(e, "failed"), Data.integer(e, "incarnation"));
            case "alert" -> new Alert(head, Data.string(e, "outcome"), Data.string(e, "state"), Data.integer(e, "exit_code"),
                    Data.string(e, "reason"), Data.integer(e, "incarnation"), Data.strings(e, "last_lines"));
            default -> throw new IllegalArgumentException("an event of unknown type " + head.type());
        };
    }
}
