package dev.bgrun.orchestrator.supervisor;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few libc calls Java has no API for, through the FFM API: signalling a process group or sending an
 * arbitrary signal ({@code kill}), and asking a process's group ({@code getpgid}).
 */
public final class Posix {
    public static final int ESRCH = 3;
    public static final int EPERM = 1;
    public static final int EEXIST = 17;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayoutPath.ERRNO);
    private static final MethodHandle KILL = LINKER.downcallHandle(
            LINKER.defaultLookup().find("kill").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            Linker.Option.captureCallState("errno"));
    private static final MethodHandle GETPGID = LINKER.downcallHandle(
            LINKER.defaultLookup().find("getpgid").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            Linker.Option.captureCallState("errno"));

    private static final MethodHandle MKFIFO = LINKER.downcallHandle(
            LINKER.defaultLookup().find("mkfifo").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
            Linker.Option.captureCallState("errno"));

    private Posix() {
    }

    /** {@code kill(pid, signal)}: 0 on success, else the errno (ESRCH: no such process). A negative pid is a group. */
    public static int kill(int pid, int signal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int result = (int) KILL.invokeExact(state, pid, signal);
            return result == 0 ? 0 : (int) ERRNO.get(state, 0L);
        } catch (Throwable e) {
            dev.bgrun.orchestrator.error.Fatal.rethrowIfFatal(e);
            throw new IllegalStateException("kill failed", e);
        }
    }

    /** The process group of a process, or -1 when it does not exist. */
    public static int getpgid(int pid) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            return (int) GETPGID.invokeExact(state, pid);
        } catch (Throwable e) {
            dev.bgrun.orchestrator.error.Fatal.rethrowIfFatal(e);
            throw new IllegalStateException("getpgid failed", e);
        }
    }

    /** {@code mkfifo(path, mode)}; an existing file of that name is left as it is. */
    public static void mkfifo(java.nio.file.Path path, int mode) throws java.io.IOException {
        int errno;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int result = (int) MKFIFO.invokeExact(state, arena.allocateFrom(path.toString()), mode);
            errno = result == 0 ? 0 : (int) ERRNO.get(state, 0L);
        } catch (Throwable e) {
            dev.bgrun.orchestrator.error.Fatal.rethrowIfFatal(e);
            throw new IllegalStateException("mkfifo failed", e);
        }
        if (errno != 0 && errno != EEXIST) {
            throw new java.io.IOException("mkfifo " + path + " failed: errno " + errno);
        }
    }

    private static final class MemoryLayoutPath {
        static final java.lang.foreign.MemoryLayout.PathElement ERRNO =
                java.lang.foreign.MemoryLayout.PathElement.groupElement("errno");
    }
}
