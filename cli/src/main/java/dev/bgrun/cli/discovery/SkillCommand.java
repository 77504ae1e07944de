package dev.bgrun.cli.discovery;

import dev.bgrun.cli.Output;
import dev.bgrun.cli.ProjectArgs;
import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code bgrun skill install DIR}: the skill file that teaches an AI coding agent to use bgrun. */
@Command(name = "skill", description = "Install the bgrun skill for AI coding agents (a SKILL.md).",
        subcommands = {SkillCommand.Install.class},
        footerHeading = "%nExamples:%n",
        footer = {"  bgrun skill install ~/.claude/skills          writes ~/.claude/skills/bgrun/SKILL.md",
                "  bgrun skill install .claude/skills --force    replace a SKILL.md changed by hand"})
public final class SkillCommand implements Runnable {
    static final String RESOURCE = "SKILL.md";

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The skill's text, as shipped in the jar. */
    public static String text() {
        return Catalogue.Resources.text(RESOURCE);
    }

    /** Where the skill goes: DIR/bgrun/SKILL.md, or DIR/SKILL.md when DIR is itself named bgrun. */
    static Path target(Path dir) {
        Path normal = dir.toAbsolutePath().normalize();
        Path name = normal.getFileName();
        return (name != null && name.toString().equals("bgrun") ? normal : normal.resolve("bgrun")).resolve("SKILL.md");
    }

    @Command(name = "install",
            description = "Write DIR/bgrun/SKILL.md (DIR/SKILL.md when DIR is itself named bgrun), creating directories; an existing different file is replaced only with --force.",
            footerHeading = "%nExamples:%n",
            footer = {"  bgrun skill install ~/.claude/skills",
                    "  bgrun skill install ~/.config/opencode/skills/bgrun",
                    "  bgrun skill install .claude/skills --force",
                    "%nJSON: {\"path\": FILE, \"written\": true}; written is false when the file already held this text."})
    static final class Install implements Runnable {
        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "DIR", description = "The agent's skills directory, such as ~/.claude/skills.")
        private Path dir;

        @Option(names = "--force", description = "Replace an existing SKILL.md that differs from this version's.")
        private boolean force;

        @Override
        public void run() {
            Path file = target(dir);
            String text = text();
            boolean written;
            try {
                String existing = Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
                if (existing != null && existing.equals(text)) {
                    written = false;
                } else if (existing != null && !force) {
                    throw new BgrunException(ErrorType.InvalidState, file + " exists and differs from this bgrun's skill",
                            "compare them, then run again with --force to replace it (or choose another DIR)",
                            Map.of("path", file.toString()), null);
                } else if (Files.exists(file) && !Files.isRegularFile(file)) {
                    throw new BgrunException(ErrorType.IoError, file + " exists and is not a file", "remove it, or choose another DIR",
                            Map.of("file", file.toString()), null);
                } else {
                    Files.createDirectories(file.getParent());
                    // Not createTempFile: its 0600 would stick to the file; this one gets the umask's mode.
                    Path tmp = file.resolveSibling(".SKILL.md." + ProcessHandle.current().pid() + ".tmp");
                    try {
                        Files.writeString(tmp, text, StandardCharsets.UTF_8);
                        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    } finally {
                        Files.deleteIfExists(tmp);
                    }
                    written = true;
                }
            } catch (IOException e) {
                throw new BgrunException(ErrorType.IoError, "cannot write " + file + ": " + e.getMessage(),
                        "check that the directory is writable", Map.of("file", file.toString()), e);
            }
            Output out = ProjectArgs.root(spec).output();
            if (out.json()) {
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("path", file.toString());
                data.put("written", written);
                out.data(data);
            } else {
                out.line((written ? "installed the bgrun skill: " : "up to date: ") + file);
            }
        }
    }
}
