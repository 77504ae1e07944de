package dev.bgrun.orchestrator.config;

/**
 * One {@code after} edge: the job depended on and the condition awaited.
 *
 * @param job       the dependency's name
 * @param condition the condition, or null when the file leaves it to the default (ready, or completed for
 *                  a oneshot dependency), which only the whole project can settle
 * @param position  where the edge was written
 */
public record Dependency(String job, Condition condition, Position position) {

    /** This edge with its default condition settled, given whether the dependency is a oneshot job. */
    public Dependency settled(boolean dependencyIsOneshot) {
        if (condition != null) {
            return this;
        }
        return new Dependency(job, dependencyIsOneshot ? Condition.COMPLETED : Condition.READY, position);
    }
}
