package dev.bgrun.orchestrator.config;

import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Validation failed: carries every problem found, not just the first. */
public final class ConfigException extends BgrunException {
    private final List<ConfigProblem> problems;

    public ConfigException(String source, List<ConfigProblem> problems) {
        super(ErrorType.ConfigInvalid, summary(source, problems), "fix the problems listed and run `bgrun config check` again",
                details(source, problems), null);
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String summary(String source, List<ConfigProblem> problems) {
        return problems.size() == 1 ? problems.getFirst().render() : problems.size() + " problems in " + source;
    }

    private static Map<String, Object> details(String source, List<ConfigProblem> problems) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("file", source);
        details.put("problems", problems.stream().map(ConfigException::asMap).toList());
        return details;
    }

    private static Map<String, Object> asMap(ConfigProblem problem) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("file", problem.source());
        map.put("line", problem.position().known() ? problem.position().line() : null);
        map.put("column", problem.position().known() ? problem.position().column() : null);
        map.put("key", problem.key());
        map.put("message", problem.message());
        map.put("suggestion", problem.suggestion());
        map.put("text", problem.render());
        return map;
    }
}
