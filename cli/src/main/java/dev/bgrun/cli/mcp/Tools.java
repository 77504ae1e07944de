package dev.bgrun.cli.mcp;

import java.util.List;
import java.util.Set;

/**
 * The tools of {@code bgrun mcp}, each a bgrun command (is_ready, which asks wait of each job, is {@link IsReady}).
 * Only which command and which of its options: descriptions, schemas and answers are the command's own.
 */
final class Tools {
    private Tools() {
    }

    static final List<ToolSpec> ALL = List.of(
            ToolSpec.document("up", "run-group").without("detach", "stream").described(
                    "Bring the project's jobs (all, or the named ones and what they depend on) up in dependency "
                            + "order and wait until each is ready (a oneshot: completed). On failure the answer is an "
                            + "error whose report names the failing job, its last lines and the jobs it blocked."),
            ToolSpec.document("down", "down"),
            ToolSpec.document("run", "run"),
            ToolSpec.lines("list", "jobs", "list"),
            ToolSpec.document("status", "status"),
            ToolSpec.document("wait", "wait"),
            ToolSpec.document("stop", "stop"),
            ToolSpec.document("restart", "restart"),
            ToolSpec.document("stats", "stats"),
            ToolSpec.document("tail", "tail").without("follow", "keep"),
            ToolSpec.document("diff", "diff"),
            ToolSpec.document("expect", "expect"),
            ToolSpec.document("search", "tail").described(
                    "Search a job's whole kept log for a regex (filter-regex): the newest matches first, at most "
                            + "`lines` of them (default 20); truncated says older ones exist.").onlyWith(
                    Set.of("job", "filter-regex", "lines", "since", "stream", "level", "strip-ansi"),
                    Set.of("filter-regex"), "--newest-first"),
            ToolSpec.lines("events", "events", "events").without("follow"),
            ToolSpec.document("send", "send"),
            ToolSpec.document("config_check", "config", "check"));
}
