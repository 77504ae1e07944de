package dev.bgrun.orchestrator.os;

import dev.bgrun.orchestrator.error.Fatal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The few libc calls Java has no API for, through the FFM API: signals to a process or a group
 * ({@code kill}), a process's group, FIFOs, the caller's uid, and the pidfd, eventfd and poll calls that
 * let one thread hear many processes end ({@link ExitWatcher}). Each returns 0 or a value, or a negative
 * errno, so callers never need a second call to learn why.
 */
public final class Posix {
    public static final int EPERM = 1;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final int ECHILD = 10;
    public static final int EEXIST = 17;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;

    static final int O_CLOEXEC = 0x80000;
    static final int O_NONBLOCK = 0x800;
    static final short POLLIN = 0x1;
    private static final long SYS_PIDFD_OPEN = 434; // the same number on every architecture (added in Linux 5.3)
    private static final int WNOHANG = 1;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final MethodHandle KILL = call("kill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle GETPGID = call("getpgid", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle MKFIFO = call("mkfifo", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle PIDFD_OPEN = LINKER.downcallHandle(LINKER.defaultLookup().find("syscall").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT),
            Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
    private static final MethodHandle EVENTFD = call("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle POLL = call("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle READ = call("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = call("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle CLOSE = call("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle PIPE2 = call("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle WAITPID = call("waitpid", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));

    private Posix() {
    }

    private static MethodHandle call(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor,
                Linker.Option.captureCallState("errno"));
    }

    /** A failed call's errno, negated; a successful call's result as it is. */
    private static long result(long value, MemorySegment state) {
        return value >= 0 ? value : -(int) ERRNO.get(state, 0L);
    }

    private static IllegalStateException broken(String call, Throwable e) {
        Fatal.rethrowIfFatal(e);
        return new IllegalStateException(call + " failed", e);
    }

    /** {@code kill(pid, signal)}: 0 on success, else the errno (ESRCH: no such process). A negative pid is a group. */
    public static int kill(int pid, int signal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            return (int) -result((int) KILL.invokeExact(state, pid, signal), state);
        } catch (Throwable e) {
            throw broken("kill", e);
        }
    }

    /** The process group of a process, or -1 when it does not exist. */
    public static int getpgid(int pid) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            return (int) GETPGID.invokeExact(state, pid);
        } catch (Throwable e) {
            throw broken("getpgid", e);
        }
    }

    /** {@code mkfifo(path, mode)}; an existing file of that name is left as it is. */
    public static void mkfifo(java.nio.file.Path path, int mode) throws java.io.IOException {
        long errno;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            errno = -result((int) MKFIFO.invokeExact(state, arena.allocateFrom(path.toString()), mode), state);
        } catch (Throwable e) {
            throw broken("mkfifo", e);
        }
        if (errno != 0 && errno != EEXIST) {
            throw new java.io.IOException("mkfifo " + path + " failed: errno " + errno);
        }
    }

    /** A pidfd for the process (close-on-exec), or a negative errno (ESRCH: it is gone; EMFILE: no fd left). */
    public static int pidfdOpen(long pid) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            return (int) result((long) PIDFD_OPEN.invokeExact(state, SYS_PIDFD_OPEN, (int) pid, 0), state);
        } catch (Throwable e) {
            throw broken("pidfd_open", e);
        }
    }

    /** A non-blocking, close-on-exec eventfd, or a negative errno. */
    static int eventfd() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            return (int) result((int) EVENTFD.invokeExact(state, 0, O_CLOEXEC | O_NONBLOCK), state);
        } catch (Throwable e) {
            throw broken("eventfd", e);
        }
    }

    /** {@code poll(fds, n, timeoutMs)} on an array of {@code struct pollfd}: the count ready, or a negative errno. */
    static int poll(MemorySegment fds, long n, int timeoutMs) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            return (int) result((int) POLL.invokeExact(state, fds, n, timeoutMs), state);
        } catch (Throwable e) {
            throw broken("poll", e);
        }
    }

    /** {@code read(fd, buffer, n)}: the bytes read, or a negative errno. */
    static long read(int fd, MemorySegment buffer, long n) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            return result((long) READ.invokeExact(state, fd, buffer, n), state);
        } catch (Throwable e) {
            throw broken("read", e);
        }
    }

    /** {@code write(fd, buffer, n)}: the bytes written, or a negative errno. */
    static long write(int fd, MemorySegment buffer, long n) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            return result((long) WRITE.invokeExact(state, fd, buffer, n), state);
        } catch (Throwable e) {
            throw broken("write", e);
        }
    }

    /** {@code close(fd)}: 0, or a negative errno. */
    public static int close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            return (int) result((int) CLOSE.invokeExact(state, fd), state);
        } catch (Throwable e) {
            throw broken("close", e);
        }
    }

    /** A close-on-exec pipe: {read end, write end}, or a one-element array holding a negative errno. */
    static int[] pipe() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            long r = result((int) PIPE2.invokeExact(state, fds, O_CLOEXEC), state);
            return r < 0 ? new int[] {(int) r} : new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
        } catch (Throwable e) {
            throw broken("pipe2", e);
        }
    }

    /**
     * Reaps a child that has ended, without blocking: its pid once reaped, 0 while it runs, or a negative
     * errno (ECHILD: not a child of this process, e.g. a shim an earlier daemon started).
     */
    static int reap(long pid) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment status = arena.allocate(JAVA_INT);
            return (int) result((int) WAITPID.invokeExact(state, (int) pid, status, WNOHANG), state);
        } catch (Throwable e) {
            throw broken("waitpid", e);
        }
    }
}
