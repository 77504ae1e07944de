package dev.bgrun.orchestrator.messages;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.bgrun.orchestrator.messages.Shape.Kind;
import dev.bgrun.orchestrator.messages.Shape.Min;
import dev.bgrun.orchestrator.messages.Shape.Nullable;
import dev.bgrun.orchestrator.messages.Shape.Of;
import dev.bgrun.orchestrator.messages.Shape.Values;

import java.util.List;
import java.util.Map;

/** {@code stats}: one reading of a job's process tree. */
@JsonClassDescription("One reading of the job's process tree; zeros (and uptime_ms null) when it is not running.")
public record StatsAnswer(@Of(Kind.JOB_ID) String id,
                          String name,
                          @Of(Kind.STATE) String state,
                          @Nullable Long pid,
                          @JsonPropertyDescription("of the current incarnation; null when not running") @Nullable @Min(0) Long uptimeMs,
                          @JsonPropertyDescription("over a 250 ms sample; 100 is one core") double cpuPercent,
                          @JsonPropertyDescription("CPU time used so far") double cpuSeconds,
                          @JsonPropertyDescription("resident memory of the whole tree") @Min(0) long rssBytes,
                          @Min(0) int threads,
                          @Min(0) int processes,
                          @JsonPropertyDescription("TCP ports listened on") @Of(Kind.PORT) List<Integer> ports,
                          List<Listening> listening,
                          @JsonPropertyDescription("the reference tool's name for cpu_percent") double cpuPct,
                          @JsonPropertyDescription("rss_bytes in MiB, rounded (the reference tool's field)") @Min(0) long rssMb,
                          @JsonPropertyDescription("uptime_ms in whole seconds (the reference tool's field)") @Nullable @Min(0) Long uptimeSecs) {

    /** A listening socket of the tree. */
    public record Listening(@Values({"tcp", "tcp6"}) String protocol, String address, @Of(Kind.PORT) int port) {
    }

    /** From {@code Supervisor.stats}. */
    @SuppressWarnings("unchecked")
    public static StatsAnswer of(Map<String, Object> m) {
        List<Listening> listening = ((List<Map<String, Object>>) m.get("listening")).stream()
                .map(l -> new Listening(Data.string(l, "protocol"), Data.string(l, "address"), Data.integer(l, "port"))).toList();
        List<Integer> ports = ((List<Number>) m.get("ports")).stream().map(Number::intValue).toList();
        return new StatsAnswer(Data.string(m, "id"), Data.string(m, "name"), Data.string(m, "state"), Data.whole(m, "pid"),
                Data.whole(m, "uptime_ms"), ((Number) m.get("cpu_percent")).doubleValue(),
                ((Number) m.get("cpu_seconds")).doubleValue(), Data.whole(m, "rss_bytes"), Data.integer(m, "threads"),
                Data.integer(m, "processes"), ports, listening, ((Number) m.get("cpu_pct")).doubleValue(),
                Data.whole(m, "rss_mb"), Data.whole(m, "uptime_secs"));
    }
}
