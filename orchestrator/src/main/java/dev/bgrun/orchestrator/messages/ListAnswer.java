package dev.bgrun.orchestrator.messages;

import java.util.List;

/** {@code list}: the jobs selected, oldest first (the CLI prints one line per job). */
public record ListAnswer(List<JobFields> jobs) {
}
