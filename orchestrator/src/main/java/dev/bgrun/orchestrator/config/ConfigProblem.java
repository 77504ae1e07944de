package dev.bgrun.orchestrator.config;

/**
 * One validation problem: where it is (source, line, column), which key (a dotted path such as
 * {@code jobs.web.ready-when-port}), what is wrong and, when there is one, the nearest valid alternative.
 *
 * @param source     the file or input name, as the user gave it
 * @param position   line and column, or {@link Position#UNKNOWN}
 * @param key        dotted key path; empty for problems of the whole document
 * @param message    what is wrong and what was expected
 * @param suggestion the nearest valid value or key, or null
 */
public record ConfigProblem(String source, Position position, String key, String message, String suggestion) {

    /** The one-line form every front end prints: {@code file:line:col: key: message; did you mean "x"?}. */
    public String render() {
        StringBuilder out = new StringBuilder(source);
        if (position.known()) {
            out.append(':').append(position.line()).append(':').append(position.column());
        }
        out.append(": ");
        if (!key.isEmpty()) {
            out.append(key).append(": ");
        }
        out.append(message);
        if (suggestion != null) {
            out.append("; did you mean \"").append(suggestion).append("\"?");
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return render();
    }
}
