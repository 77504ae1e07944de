package dev.bgrun.cli.completion;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The completion scripts, made from the command model. Bash (and zsh through bashcompinit) is picocli's
 * script wrapped by a function that completes job ids and workspaces live; fish is written here, since picocli
 * has no fish generator. Which arguments take job ids or workspaces is read from the {@link JobRefs} and
 * {@link Workspaces} markers on the commands, never listed by hand.
 */
public final class ShellScripts {
    private ShellScripts() {
    }

    public static String bash(CommandLine root) {
        String name = root.getCommandName();
        Set<String> jobCommands = new LinkedHashSet<>();
        List<String> jobOptions = new ArrayList<>();
        List<String> workspaceOptions = new ArrayList<>();
        List<String> valueOptions = new ArrayList<>();
        root.getSubcommands().forEach((command, sub) -> {
            CommandSpec spec = sub.getCommandSpec();
            if (spec.positionalParameters().stream().anyMatch(p -> marked(p, JobRefs.class))) {
                jobCommands.add(command);
            }
            for (OptionSpec option : spec.options()) {
                for (String flag : option.names()) {
                    String key = command + ":" + flag;
                    if (marked(option, JobRefs.class)) {
                        jobOptions.add(key);
                    } else if (marked(option, Workspaces.class)) {
                        workspaceOptions.add(key);
                    }
                    if (option.arity().min() > 0) {
                        valueOptions.add(key);
                    }
                }
            }
        });
        String script = AutoComplete.bash(name, root);
        // picocli's last line registers its function; ours goes first and hands everything else to it.
        script = script.replace("complete -F _complete_" + name + " ", "complete -F _" + name + "_live ");
        return script + """

                # Job ids and workspaces, asked of the running daemon at each Tab (never starting one).
                _%1$s_job_commands=" %2$s "
                _%1$s_job_options=" %3$s "
                _%1$s_workspace_options=" %4$s "
                _%1$s_value_options=" %5$s "
                function _%1$s_live() {
                  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd="" i words=""
                  for ((i = 1; i < COMP_CWORD; i++)); do
                    case ${COMP_WORDS[i]} in
                      -f|--file) ((i++)) ;;
                      -*) ;;
                      *) cmd=${COMP_WORDS[i]}; break ;;
                    esac
                  done
                  if [[ -n $cmd ]]; then
                    if [[ $_%1$s_workspace_options == *" $cmd:$prev "* ]]; then
                      words=$("${COMP_WORDS[0]}" completions --workspaces 2>/dev/null)
                    elif [[ $_%1$s_job_options == *" $cmd:$prev "* ]] || [[ $cur != -* \\
                        && $_%1$s_job_commands == *" $cmd "* && $_%1$s_value_options != *" $cmd:$prev "* ]]; then
                      words=$("${COMP_WORDS[0]}" completions --active-ids 2>/dev/null | cut -f1)
                    fi
                  fi
                  if [[ -n $words ]]; then
                    local IFS=$'\\n'
                    COMPREPLY=( $(compgen -W "$words" -- "$cur") )
                    return 0
                  fi
                  _complete_%1$s "$@"
                }
                """.formatted(name, String.join(" ", jobCommands), String.join(" ", jobOptions),
                String.join(" ", workspaceOptions), String.join(" ", valueOptions));
    }

    public static String fish(CommandLine root) {
        String name = root.getCommandName();
        StringBuilder out = new StringBuilder();
        out.append("# fish completion for ").append(name).append(", generated from its command model.\n")
                .append("# Job ids and workspaces are asked of the running daemon at each Tab (never starting one).\n")
                .append("function __").append(name).append("_live\n")
                .append("    set -l words (commandline -opc)\n")
                .append("    $words[1] completions $argv 2>/dev/null\n")
                .append("end\n")
                .append("complete -c ").append(name).append(" -f\n");
        for (OptionSpec option : root.getCommandSpec().options()) {
            out.append(option(name, null, option));
        }
        commands(name, root, List.of(), out, java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
        return out.toString();
    }

    /** The completions of {@code parent}'s subcommands under the path of command words {@code path}. */
    private static void commands(String name, CommandLine parent, List<String> path, StringBuilder out,
                                 Set<CommandSpec> seen) {
        List<String> children = new ArrayList<>(parent.getSubcommands().keySet());
        for (Map.Entry<String, CommandLine> entry : parent.getSubcommands().entrySet()) {
            String word = entry.getKey();
            CommandSpec spec = entry.getValue().getCommandSpec();
            String here = path.isEmpty() ? "__fish_use_subcommand"
                    : seenAll(path) + "; and not __fish_seen_subcommand_from " + String.join(" ", children);
            out.append("complete -c ").append(name).append(" -n '").append(here).append("' -a ").append(word)
                    .append(" -d ").append(quote(summary(spec))).append('\n');
            if (!seen.add(spec)) {
                continue; // an alias: its options are its command's
            }
            List<String> inside = new ArrayList<>(path);
            inside.add(word);
            List<String> words = new ArrayList<>(List.of(word));
            for (String alias : spec.aliases()) {
                words.add(alias);
            }
            String condition = path.isEmpty() ? "__fish_seen_subcommand_from " + String.join(" ", words)
                    : seenAll(path) + "; and __fish_seen_subcommand_from " + String.join(" ", words);
            for (OptionSpec option : spec.options()) {
                if (!option.inherited()) { // bgrun's global options are completed everywhere already
                    out.append(option(name, condition, option));
                }
            }
            if (spec.positionalParameters().stream().anyMatch(p -> marked(p, JobRefs.class))) {
                out.append("complete -c ").append(name).append(" -n '").append(condition).append("' -a '(__")
                        .append(name).append("_live --active-ids)'\n");
            }
            commands(name, entry.getValue(), inside, out, seen);
        }
    }

    private static String seenAll(List<String> path) {
        return String.join("; and ", path.stream().map(w -> "__fish_seen_subcommand_from " + w).toList());
    }

    private static String option(String name, String condition, OptionSpec option) {
        StringBuilder line = new StringBuilder("complete -c ").append(name);
        if (condition != null) {
            line.append(" -n '").append(condition).append("'");
        }
        for (String flag : option.names()) {
            if (flag.startsWith("--")) {
                line.append(" -l ").append(flag.substring(2));
            } else if (flag.length() == 2) {
                line.append(" -s ").append(flag.charAt(1));
            } else {
                line.append(" -o ").append(flag.substring(1));
            }
        }
        if (option.negatable()) {
            // fish has no negatable flags: --no-NAME is its own long option
            for (String flag : option.names()) {
                if (flag.startsWith("--")) {
                    line.append(" -l no-").append(flag.substring(2));
                }
            }
        }
        if (option.arity().min() > 0) {
            if (marked(option, JobRefs.class)) {
                line.append(" -x -a '(__").append(name).append("_live --active-ids)'");
            } else if (marked(option, Workspaces.class)) {
                line.append(" -x -a '(__").append(name).append("_live --workspaces)'");
            } else if (option.completionCandidates() != null && option.completionCandidates().iterator().hasNext()) {
                List<String> values = new ArrayList<>();
                option.completionCandidates().forEach(values::add);
                line.append(" -x -a ").append(quote(String.join(" ", values)));
            } else if (option.typeInfo().getType() == java.nio.file.Path.class) {
                line.append(" -r -F");
            } else {
                line.append(" -x");
            }
        }
        String description = String.join(" ", option.description()).strip();
        if (!description.isEmpty()) {
            line.append(" -d ").append(quote(firstSentence(description)));
        }
        return line.append('\n').toString();
    }

    private static boolean marked(ArgSpec arg, Class<?> marker) {
        return arg.completionCandidates() != null && marker.isInstance(arg.completionCandidates());
    }

    private static String summary(CommandSpec spec) {
        return firstSentence(String.join(" ", spec.usageMessage().description()).replace("%n", " ").strip());
    }

    private static String firstSentence(String text) {
        int end = text.indexOf(". ");
        String first = end < 0 ? text : text.substring(0, end + 1);
        return first.replaceAll("\\$\\{[A-Z-]+}", "").strip();
    }

    /** A fish single-quoted string: only ' and \ are special in it. */
    private static String quote(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
