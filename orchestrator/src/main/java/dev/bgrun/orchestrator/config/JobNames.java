package dev.bgrun.orchestrator.config;

import java.util.regex.Pattern;

/**
 * What a job, workspace and variable name may be. A job name may not hold a dot (it separates job and
 * variable in {@code ${db.PORT}}) or a slash (it separates workspace and job in {@code ws/name}).
 */
public final class JobNames {
    /** A job name: a letter, digit or underscore, then those and hyphens. */
    public static final String PATTERN = "[A-Za-z0-9_][A-Za-z0-9_-]{0,63}";
    private static final Pattern JOB = Pattern.compile(PATTERN);
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

    /** A workspace name made from a directory name: invalid characters become hyphens. */
    public static String workspaceFrom(String directoryName) {
        String cleaned = directoryName.replaceAll("[^A-Za-z0-9_.-]", "-").replaceAll("^[.-]+", "");
        if (cleaned.isEmpty()) {
            return "default";
        }
        return cleaned.length() > 64 ? cleaned.substring(0, 64) : cleaned;
    }
}
