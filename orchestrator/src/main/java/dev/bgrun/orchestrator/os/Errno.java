package dev.bgrun.orchestrator.os;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/** An errno in words, as the C library says it ("Too many open files"), for messages. */
public final class Errno {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle STRERROR = LINKER.downcallHandle(LINKER.defaultLookup().find("strerror").orElseThrow(),
            FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private Errno() {
    }

    /** "Too many open files (errno 24)". */
    public static String describe(int errno) {
        try {
            // glibc's strerror returns a static string for every errno it knows (and "Unknown error N" otherwise).
            String text = ((java.lang.foreign.MemorySegment) STRERROR.invokeExact(errno)).reinterpret(256).getString(0);
            return text + " (errno " + errno + ")";
        } catch (Throwable e) {
            return "errno " + errno;
        }
    }
}
