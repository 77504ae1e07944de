package dev.bgrun.orchestrator.config;

import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;

import java.util.regex.Pattern;

/**
 * What a job, workspace and variable name may be. A job name may not hold a dot (it separates job and
 * variable in {@code ${db.PORT}}) or a slash (it separates workspace and job in {@code ws/name}).
 */
public final class JobNames {
    /** A job name: a letter, digit or underscore, then those and hyphens. */
    public static final String PATTERN = "[A-Za-z0-9_][A-Za-z0-9_-]{0,63}";
    private static final Pattern JOB = Pattern.compile(PATTERN);
    /** What is wrong with an invalid job name, wherever it is given ({@code [jobs.NAME]}, run --name, the protocol). */
    public static final String JOB_RULE = "invalid job name: use letters, digits, underscores and hyphens "
            + "(no dots or slashes), at most 64 characters";
    /** A workspace name: as a job name, and dots are allowed too. */
    public static final Pattern WORKSPACE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}");
    public static final String WORKSPACE_RULE = "a workspace name (letters, digits, underscores, dots and hyphens, at most 64 characters)";
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private JobNames() {
    }

    public static boolean validJob(String name) {
        return JOB.matcher(name).matches();
    }

    public static boolean validWorkspace(String name) {
        return WORKSPACE.matcher(name).matches();
    }

    public static boolean validVariable(String name) {
        return VARIABLE.matcher(name).matches();
    }

    /**
     * The valid name nearest to an invalid job name (other characters become hyphens, cut to 64), to suggest;
     * null when nothing of it is left.
     */
    public static String suggestJob(String name) {
        String cleaned = name.replaceAll("[^A-Za-z0-9_-]+", "-").replaceAll("^-+|-+$", "");
        cleaned = cleaned.length() > 64 ? cleaned.substring(0, 64) : cleaned;
        return validJob(cleaned) ? cleaned : null;
    }

    /** The job name, or a UsageError with the rule and a suggestion (for names given outside a project file). */
    public static String requireJob(String name) {
        if (!validJob(name)) {
            String suggestion = suggestJob(name);
            throw new BgrunException(ErrorType.UsageError, JOB_RULE + "; got " + quoted(name),
                    suggestion != null ? "did you mean \"" + suggestion + "\"?" : "e.g. web, db-1 or my_worker");
        }
        return name;
    }

    /** The workspace name, or a UsageError with the rule and a suggestion. */
    public static String requireWorkspace(String name) {
        if (!validWorkspace(name)) {
            throw new BgrunException(ErrorType.UsageError, "invalid workspace: expected " + WORKSPACE_RULE + "; got "
                    + quoted(name), "did you mean \"" + workspaceFrom(name) + "\"?");
        }
        return name;
    }

    /** The name as JSON would quote it: a newline or other control character is shown, not printed. */
    private static String quoted(String name) {
        return dev.bgrun.orchestrator.json.Json.write(name);
    }

    /** A workspace name made from a directory name: invalid characters become hyphens. */
    public static String workspaceFrom(String directoryName) {
        String cleaned = directoryName.replaceAll("[^A-Za-z0-9_.-]", "-").replaceAll("^[.-]+", "");
        if (cleaned.isEmpty()) {
            return "default";
        }
        return cleaned.length() > 64 ? cleaned.substring(0, 64) : cleaned;
    }
}
