package dev.bgrun.orchestrator.logs;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * Linux's {@code fallocate} modes that Java has no API for, through the FFM API. Log rotation needs them: a
 * job appends to its log with O_APPEND and never reopens it, so the only way to drop the head of that file
 * without losing what the job writes meanwhile is to cut it out in the kernel, atomically with the job's
 * appends ({@code FALLOC_FL_COLLAPSE_RANGE}, on ext4 and xfs). The index, which only the daemon writes, just
 * has its dropped head freed ({@code FALLOC_FL_PUNCH_HOLE}), so record positions stay put.
 */
final class FileSpace {
    private static final int O_RDWR = 2;
    private static final int FALLOC_FL_KEEP_SIZE = 0x01;
    private static final int FALLOC_FL_PUNCH_HOLE = 0x02;
    private static final int FALLOC_FL_COLLAPSE_RANGE = 0x08;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle OPEN = LINKER.downcallHandle(LINKER.defaultLookup().find("open").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
            Linker.Option.captureCallState("errno"), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().find("close").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle FALLOCATE = LINKER.downcallHandle(LINKER.defaultLookup().find("fallocate").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG),
            Linker.Option.captureCallState("errno"));

    private FileSpace() {
    }

    /** Removes bytes [0, length) of the file, shifting the rest down; length must be a multiple of the block size. */
    static boolean collapseHead(Path file, long length) {
        return fallocate(file, FALLOC_FL_COLLAPSE_RANGE, 0, length) == 0;
    }

    /** Frees the disk blocks of [offset, offset+length) without changing the file's size or positions. */
    static boolean punchHole(Path file, long offset, long length) {
        return fallocate(file, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, length) == 0;
    }

    /** 0 on success, else the errno (EOPNOTSUPP, EINVAL: the filesystem cannot do it). */
    private static int fallocate(Path file, int mode, long offset, long length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(file.toString()), O_RDWR);
            if (fd < 0) {
                return (int) ERRNO.get(state, 0L);
            }
            try {
                int result = (int) FALLOCATE.invokeExact(state, fd, mode, offset, length);
                return result == 0 ? 0 : (int) ERRNO.get(state, 0L);
            } finally {
                int ignored = (int) CLOSE.invokeExact(fd);
            }
        } catch (Throwable e) {
            dev.bgrun.orchestrator.error.Fatal.rethrowIfFatal(e);
            return -1;
        }
    }
}
