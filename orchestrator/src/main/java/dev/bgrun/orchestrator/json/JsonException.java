package dev.bgrun.orchestrator.json;

/** Text that is not the JSON expected, with where the problem is. */
public final class JsonException extends RuntimeException {
    private final int line;
    private final int column;

    public JsonException(String message, int line, int column) {
        super(message + (line > 0 ? " at line " + line + ", column " + column : ""));
        this.line = line;
        this.column = column;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }
}
