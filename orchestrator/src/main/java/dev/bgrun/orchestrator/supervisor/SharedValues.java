package dev.bgrun.orchestrator.supervisor;

import java.lang.ref.WeakReference;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * One copy of the values many jobs hold alike. Every job keeps the environment of the call that made it
 * (often 50 variables or more), and jobs run from the same shell have the same one: kept once, with its
 * strings, a job costs a reference where it cost a few KiB. Weakly held, so an environment no job has any
 * more is collected.
 */
final class SharedValues {
    private static final Map<Map<String, String>, WeakReference<Map<String, String>>> ENVIRONMENTS = new WeakHashMap<>();

    private SharedValues() {
    }

    /** An unmodifiable map equal to {@code env}, in its order: the one already held when there is one. */
    static Map<String, String> environment(Map<String, String> env) {
        synchronized (ENVIRONMENTS) {
            WeakReference<Map<String, String>> ref = ENVIRONMENTS.get(env);
            Map<String, String> shared = ref == null ? null : ref.get();
            if (shared == null) {
                Map<String, String> copy = new LinkedHashMap<>();
                env.forEach((k, v) -> copy.put(string(k), string(v)));
                shared = java.util.Collections.unmodifiableMap(copy);
                ENVIRONMENTS.put(shared, new WeakReference<>(shared));
            }
            return shared;
        }
    }

    /** The one copy of a string many jobs hold (a working directory, a workspace, an environment value). */
    static String string(String s) {
        return s == null ? null : s.intern();
    }
}
