package dev.bgrun.cli.jobs;

import dev.bgrun.cli.Output;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Human renderings shared by the job commands: coloured states, relative times, aligned tables. */
public final class Views {
    private Views() {
    }

    public static String state(Output out, String state) {
        return switch (state) {
            case "ready", "exited" -> out.green(state);
            case "running", "starting", "waiting", "restarting" -> out.yellow(state);
            case "failed", "blocked" -> out.red(state);
            default -> out.dim(state);
        };
    }

    /** "3.2s", "5m", "2h" ago or since: the time between {@code iso} and now. */
    static String age(Object iso) {
        if (!(iso instanceof String s)) {
            return "-";
        }
        return duration(Duration.between(Instant.parse(s), Instant.now()));
    }

    public static String duration(Duration d) {
        long ms = Math.max(0, d.toMillis());
        if (ms < 10_000) {
            return String.format("%.1fs", ms / 1000.0);
        }
        if (ms < 120_000) {
            return ms / 1000 + "s";
        }
        if (ms < 7_200_000) {
            return ms / 60_000 + "m";
        }
        if (ms < 172_800_000) {
            return ms / 3_600_000 + "h";
        }
        return ms / 86_400_000 + "d";
    }

    /** A table with a header row; {@code plainWidths} ignores colour codes when aligning. */
    static List<String> table(List<String> header, List<List<String>> rows) {
        int[] widths = new int[header.size()];
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        for (List<String> row : all) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], visible(row.get(i)));
            }
        }
        List<String> lines = new ArrayList<>();
        for (List<String> row : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i);
                line.append(cell);
                if (i < row.size() - 1) {
                    line.append(" ".repeat(widths[i] - visible(cell) + 2));
                }
            }
            lines.add(line.toString().stripTrailing());
        }
        return lines;
    }

    private static int visible(String s) {
        return s.replaceAll("\u001b\\[[0-9;]*m", "").length();
    }

    static String cmd(Object cmd) {
        if (cmd instanceof List<?> list) {
            return String.join(" ", list.stream().map(String::valueOf).toList());
        }
        return String.valueOf(cmd);
    }

    static String str(Map<String, Object> job, String key) {
        Object v = job.get(key);
        return v == null ? "-" : String.valueOf(v);
    }
}
