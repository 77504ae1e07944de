package dev.bgrun.orchestrator.daemon;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Duration;

/**
 * Collects the whole heap when the old generation has grown well past what was live after its last
 * collection, or when asked ({@link #request}: ended jobs let go of their memory, now garbage that no usage
 * figure shows). The serial collector (see {@link DaemonLauncher#JVM_OPTIONS}) promotes what survives the young
 * generation and, rather than collect the old one, grows it until the heap's cap; and the heap shrinks back
 * (MaxHeapFreeRatio; at once, with ShrinkHeapInSteps off) only at a full collection. A burst (10,000 jobs run
 * in a minute, a catch-up that hands followers a flood of lines) left about 100 MiB of garbage there, held as
 * RSS for as long as nothing else filled the old generation. A full collection of the daemon's few tens of MiB takes a few tens of ms.
 */
final class HeapTrim {
    /** How often the old generation is looked at. */
    static final Duration PERIOD = Duration.ofSeconds(5);
    /** Growth tolerated past the live size before a collection: this, or an eighth of the live size if more. */
    static final long SLACK_BYTES = 4L * 1024 * 1024;

    private final MemoryPoolMXBean old;
    private volatile boolean requested;

    private HeapTrim(MemoryPoolMXBean old) {
        this.old = old;
    }

    /** The trimmer of the serial collector's old generation, or null under another collector (nothing to do). */
    static HeapTrim ofSerial() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getName().equals("Tenured Gen")) {
                return new HeapTrim(pool);
            }
        }
        return null;
    }

    /** Asks for a collection at the next check (several requests before it make one collection). */
    void request() {
        requested = true;
    }

    /** Collects if asked to, or if the old generation grew too far; returns whether it did. */
    boolean check() {
        MemoryUsage afterLast = old.getCollectionUsage(); // as the last full collection left it (0 before one)
        long live = afterLast == null ? 0 : afterLast.getUsed();
        if (!requested && old.getUsage().getUsed() <= live + Math.max(SLACK_BYTES, live / 8)) {
            return false;
        }
        requested = false;
        System.gc(); // with the serial collector: a full, compacting collection that also shrinks the heap
        return true;
    }
}
