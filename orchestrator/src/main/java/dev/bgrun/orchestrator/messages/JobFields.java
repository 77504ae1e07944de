package dev.bgrun.orchestrator.messages;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.bgrun.orchestrator.messages.Shape.Kind;
import dev.bgrun.orchestrator.messages.Shape.Min;
import dev.bgrun.orchestrator.messages.Shape.Nullable;
import dev.bgrun.orchestrator.messages.Shape.Of;

import java.util.List;
import java.util.Map;

/** A job's fields, as run, list, status and restart print them (read from the job's view). */
public record JobFields(
        @Of(Kind.JOB_ID) String id,
        String name,
        @Of(Kind.WORKSPACE) String workspace,
        @Of(Kind.STATE) String state,
        @JsonPropertyDescription("the reason of its last transition") String reason,
        @JsonPropertyDescription("a string (run by /bin/sh -c) or an array (executed directly)") @Of(Kind.CMD) Object cmd,
        @JsonPropertyDescription("null before it is spawned") @Nullable Long pid,
        @Nullable Long pgid,
        @JsonPropertyDescription("0 before the first start") @Min(0) int incarnation,
        @Min(0) int restartCount,
        @Nullable Integer exitCode,
        @JsonPropertyDescription("the signal name when exit_code is 129 to 159") @Nullable String signal,
        @Of(Kind.TIME) String createdAt,
        @Nullable @Of(Kind.TIME) String startedAt,
        @Nullable @Of(Kind.TIME) String readyAt,
        @Nullable @Of(Kind.TIME) String endedAt,
        @JsonPropertyDescription("allocate-port: variable to port") @Of(Kind.PORT) Map<String, Integer> ports,
        @JsonPropertyDescription("only for a blocked job: the root cause") @JsonInclude(JsonInclude.Include.NON_NULL) BlockedBy blockedBy,
        List<String> tags,
        String cwd,
        @JsonPropertyDescription("the project file the spec came from") @Nullable String project,
        @JsonPropertyDescription("only with --show-env: the variables bgrun set") @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, String> env) {

    /** The fields of a job's view ({@code Job.view}). */
    public static JobFields of(Map<String, Object> view) {
        return new JobFields(Data.string(view, "id"), Data.string(view, "name"), Data.string(view, "workspace"),
                Data.string(view, "state"), Data.string(view, "reason"), view.get("cmd"), Data.whole(view, "pid"),
                Data.whole(view, "pgid"), Data.integer(view, "incarnation"), Data.integer(view, "restart_count"),
                Data.integer(view, "exit_code"), Data.string(view, "signal"), Data.string(view, "created_at"),
                Data.string(view, "started_at"), Data.string(view, "ready_at"), Data.string(view, "ended_at"),
                Data.as(view.get("ports")), BlockedBy.of(Data.object(view, "blocked_by")), Data.strings(view, "tags"),
                Data.string(view, "cwd"), Data.string(view, "project"), Data.as(view.get("env")));
    }
}
