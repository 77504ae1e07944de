package dev.bgrun.orchestrator.config;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code ${VAR}} and {@code ${job.VAR}} references in spec values. Only these two exact forms are
 * bgrun's; anything else that starts with {@code $} (such as the shell's {@code ${VAR:-x}}) is left alone,
 * and {@code $${} writes a literal {@code ${}.
 */
public final class Interpolation {
    private static final Pattern REF = Pattern.compile(
            "\\$\\$\\{|\\$\\{(?:(" + JobNames.PATTERN + ")\\.)?([A-Za-z_][A-Za-z0-9_]*)}");

    /** One reference: {@code job} is null for the job's own variable. */
    public record Ref(String job, String variable, String text) {
        public boolean ownVariable() {
            return job == null;
        }
    }

    private Interpolation() {
    }

    /** Every reference in the text, in order. */
    public static List<Ref> refs(String text) {
        List<Ref> refs = new ArrayList<>();
        if (text.indexOf('$') < 0) {
            return refs;
        }
        Matcher m = REF.matcher(text);
        while (m.find()) {
            if (m.group(2) != null) {
                refs.add(new Ref(m.group(1), m.group(2), m.group()));
            }
        }
        return refs;
    }

    /**
     * The text with each reference replaced by what {@code lookup} returns for it; a reference for which it
     * returns null stays as written, and {@code $${} becomes {@code ${}.
     */
    public static String resolve(String text, Function<Ref, String> lookup) {
        if (text.indexOf('$') < 0) {
            return text;
        }
        Matcher m = REF.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group(2) == null) {
                replacement = "${";
            } else {
                String value = lookup.apply(new Ref(m.group(1), m.group(2), m.group()));
                replacement = value == null ? m.group() : value;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
