package dev.bgrun.orchestrator.supervisor;

import dev.bgrun.orchestrator.config.Command;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The look-up of a shell command's program, against real files. */
class ExecutablesTest {
    @TempDir
    Path dir;

    @Test
    void theFirstPlainWordIsTheProgramAfterAssignmentsAndExec() {
        assertThat(Executables.firstProgram("npm run dev")).isEqualTo("npm");
        assertThat(Executables.firstProgram("  PORT=3000 A_B=x exec node server.js")).isEqualTo("node");
        assertThat(Executables.firstProgram("./run.sh\necho done")).isEqualTo("./run.sh");
        // What only the shell can judge is left to it.
        assertThat(Executables.firstProgram("exec sleep 300")).isEqualTo("sleep");
        for (String script : List.of("echo hi", "cd web && npm start", "\"$HOME/bin/x\"", "$CMD",
                "nosuch;true", "if true; then x; fi", "# comment", "(sub)", "FOO='a b' x", "exec -a name x", "")) {
            assertThat(Executables.firstProgram(script)).as(script).isNull();
        }
    }

    @Test
    void aProgramIsFoundOnTheJobsPathOrRelativeToItsDirectory() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path tool = Files.writeString(bin.resolve("tool"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwx------"));
        Path plain = Files.writeString(dir.resolve("plain.sh"), "#!/bin/sh\n");
        Map<String, String> env = Map.of("PATH", "/nowhere:bin");

        assertThat(Executables.whyNotRunnable(Command.shell("tool --flag"), dir, env)).isNull();
        assertThat(Executables.whyNotRunnable(Command.shell("bin/tool"), dir, env)).isNull();
        assertThat(Executables.whyNotRunnable(Command.shell("nosuch-xyz arg"), dir, env))
                .isEqualTo("cannot run nosuch-xyz: command not found (not in the job's PATH)");
        assertThat(Executables.whyNotRunnable(Command.shell("./plain.sh"), dir, env))
                .isEqualTo("cannot run ./plain.sh: Permission denied");
        assertThat(Executables.whyNotRunnable(Command.shell("./gone.sh"), dir, env))
                .isEqualTo("cannot run ./gone.sh: No such file or directory");
        assertThat(Executables.whyNotRunnable(Command.shell("bin"), dir, Map.of("PATH", ":")))
                .startsWith("cannot run bin: command not found"); // a directory is not a program
        // Without PATH the shell searches its own default; an argv command is the shim's to report.
        assertThat(Executables.whyNotRunnable(Command.shell("nosuch-xyz"), dir, Map.of())).isNull();
        assertThat(Executables.whyNotRunnable(Command.exec(List.of("nosuch-xyz")), dir, env)).isNull();
    }
}
