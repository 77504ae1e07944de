package dev.bgrun.orchestrator.os;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Starts a program with glibc's {@code posix_spawn} directly, through the FFM API, rather than with
 * {@link ProcessBuilder}: the JDK keeps a thread blocked in {@code waitpid} for every child it starts, for
 * the child's whole life, which at 1,000 jobs is 1,000 threads; a child started here is heard ending by the
 * one {@link ExitWatcher} thread instead, which also reaps it. (It also saves the JDK's second exec, of its
 * {@code jspawnhelper}.)
 *
 * <p>The child gets stdin and stderr from {@code /dev/null}, stdout on a pipe whose read end is returned,
 * the given working directory and exactly the given environment. Other descriptors the daemon holds without
 * close-on-exec are inherited: the program must close them itself (the shim does, first thing).
 */
public final class NativeSpawn {
    /** glibc's posix_spawn_file_actions_t is 80 bytes on 64-bit targets; room to spare costs nothing. */
    private static final long FILE_ACTIONS_BYTES = 256;
    private static final int O_RDONLY = 0;
    private static final int O_WRONLY = 1;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle SPAWN = plain("posix_spawn",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle ACTIONS_INIT = plain("posix_spawn_file_actions_init", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle ACTIONS_DESTROY = plain("posix_spawn_file_actions_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle ADD_OPEN = plain("posix_spawn_file_actions_addopen",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle ADD_DUP2 = plain("posix_spawn_file_actions_adddup2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle ADD_CHDIR = plain("posix_spawn_file_actions_addchdir_np",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    /** A started child: its pid, and its stdout to read (the caller closes it). */
    public record Child(long pid, InputStream stdout) {
    }

    private NativeSpawn() {
    }

    private static MethodHandle plain(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor);
    }

    /**
     * Starts {@code argv[0]} (an absolute path) with these arguments, environment and working directory.
     *
     * @throws IOException when it cannot be started; "Too many open files" when the file limit is reached
     */
    public static Child spawn(List<String> argv, Map<String, String> env, Path cwd) throws IOException {
        int[] pipe = Posix.pipe();
        if (pipe.length == 1) {
            throw new IOException("cannot create a pipe: " + Errno.describe(-pipe[0]));
        }
        int writeEnd = pipe[1];
        InputStream stdout;
        try {
            // A Java stream over the read end, so that a virtual thread reading it does not pin its carrier;
            // opened before the child exists, so running out of descriptors here leaves nothing behind.
            stdout = new FileInputStream("/proc/self/fd/" + pipe[0]);
        } catch (IOException e) {
            Posix.close(writeEnd);
            throw new IOException("cannot open a pipe: " + e.getMessage(), e);
        } finally {
            Posix.close(pipe[0]);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment actions = arena.allocate(FILE_ACTIONS_BYTES, 16);
            check("posix_spawn_file_actions_init", (int) ACTIONS_INIT.invokeExact(actions));
            try {
                MemorySegment devNull = arena.allocateFrom("/dev/null");
                check("addopen", (int) ADD_OPEN.invokeExact(actions, 0, devNull, O_RDONLY, 0));
                check("adddup2", (int) ADD_DUP2.invokeExact(actions, writeEnd, 1));
                check("addopen", (int) ADD_OPEN.invokeExact(actions, 2, devNull, O_WRONLY, 0));
                check("addchdir", (int) ADD_CHDIR.invokeExact(actions, arena.allocateFrom(cwd.toString())));
                MemorySegment pidOut = arena.allocate(JAVA_INT);
                int error = (int) SPAWN.invokeExact(pidOut, arena.allocateFrom(argv.getFirst()), actions, MemorySegment.NULL,
                        strings(arena, argv), strings(arena, env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
                if (error != 0) {
                    throw new IOException("cannot run " + argv.getFirst() + ": " + Errno.describe(error));
                }
                return new Child(pidOut.get(JAVA_INT, 0), stdout);
            } finally {
                int ignored = (int) ACTIONS_DESTROY.invokeExact(actions);
            }
        } catch (IOException e) {
            closeQuietly(stdout);
            throw e;
        } catch (Throwable e) {
            closeQuietly(stdout);
            dev.bgrun.orchestrator.error.Fatal.rethrowIfFatal(e);
            throw new IllegalStateException("posix_spawn failed", e);
        } finally {
            Posix.close(writeEnd); // the child has its copy: end of file reaches us once it closes or ends
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing was read from it
        }
    }

    private static void check(String what, int error) throws IOException {
        if (error != 0) {
            throw new IOException(what + ": " + Errno.describe(error));
        }
    }

    /** A NULL-terminated array of C strings. */
    private static MemorySegment strings(Arena arena, List<String> values) {
        MemorySegment array = arena.allocate(ADDRESS, values.size() + 1L);
        for (int i = 0; i < values.size(); i++) {
            array.setAtIndex(ADDRESS, i, arena.allocateFrom(values.get(i)));
        }
        array.setAtIndex(ADDRESS, values.size(), MemorySegment.NULL);
        return array;
    }
}
