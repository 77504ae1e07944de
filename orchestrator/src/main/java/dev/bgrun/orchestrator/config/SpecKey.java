package dev.bgrun.orchestrator.config;

import java.util.List;

/**
 * One key of the job spec: its name (the TOML key, the JSON field and the {@code run} flag), its type, its
 * default and its documentation. {@link JobKeys} lists them all; nothing else does.
 *
 * @param name         the kebab-case key
 * @param type         how a value is checked and converted
 * @param defaultValue the value when neither the job nor {@code [defaults]} sets it; null for none
 * @param summary      one sentence for the docs and {@code --help}
 * @param example      a TOML right-hand side, as it would appear after {@code name = }
 * @param origin       whether the reference tool has the key or bgrun adds it
 * @param traits       what else is true of the key
 * @param flagAliases  further {@code run} flag names, such as the reference's {@code --backoff}
 */
public record SpecKey<T>(String name, KeyType<T> type, T defaultValue, String summary, String example,
                         Origin origin, List<Trait> traits, List<String> flagAliases) {

    public enum Origin { REFERENCE, EXTENSION }

    public enum Trait {
        /** Every job must set it. */
        REQUIRED,
        /** May be set in the {@code [defaults]} table for every job. */
        DEFAULTABLE,
        /** {@code ${VAR}} and {@code ${job.VAR}} references in it are resolved when the job starts. */
        INTERPOLATED,
        /** A readiness rule: the job is ready when all the set ones hold. */
        READINESS,
        /** A health probe. */
        HEALTH
    }

    public boolean has(Trait trait) {
        return traits.contains(trait);
    }

    /**
     * Each key is one constant of {@link JobKeys}: identity is equality. A record's own hashCode would hash
     * every component (default value, trait list...) on each lookup in a spec's map, thousands of times per job.
     */
    @Override
    public boolean equals(Object other) {
        return this == other;
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }
}
