package dev.bgrun.orchestrator.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects problems while a document is read, so that every one is reported at once. */
public final class Problems {
    private final String source;
    private final List<ConfigProblem> list = new ArrayList<>();

    public Problems(String source) {
        this.source = source;
    }

    public String source() {
        return source;
    }

    public void add(Position position, String key, String message) {
        add(position, key, message, null);
    }

    public void add(Position position, String key, String message, String suggestion) {
        list.add(new ConfigProblem(source, position, key, message, suggestion));
    }

    public int size() {
        return list.size();
    }

    public boolean isEmpty() {
        return list.isEmpty();
    }

    /** The problems in source order (problems without a position last, in the order found). */
    public List<ConfigProblem> sorted() {
        List<ConfigProblem> copy = new ArrayList<>(list);
        copy.sort(Comparator.comparing((ConfigProblem p) -> !p.position().known())
                .thenComparingInt(p -> p.position().line())
                .thenComparingInt(p -> p.position().column()));
        return copy;
    }

    /** Throws a {@link ConfigException} carrying every problem, if there is any. */
    public void throwIfAny() {
        if (!list.isEmpty()) {
            throw new ConfigException(source, sorted());
        }
    }
}
