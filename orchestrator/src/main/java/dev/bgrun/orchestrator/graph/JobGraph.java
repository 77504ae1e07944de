package dev.bgrun.orchestrator.graph;

import dev.bgrun.orchestrator.config.Condition;
import dev.bgrun.orchestrator.config.Dependency;
import dev.bgrun.orchestrator.config.JobSpec;
import org.jgrapht.Graph;
import org.jgrapht.alg.connectivity.KosarajuStrongConnectivityInspector;
import org.jgrapht.alg.shortestpath.BFSShortestPath;
import org.jgrapht.graph.EdgeReversedGraph;
import org.jgrapht.graph.builder.GraphTypeBuilder;
import org.jgrapht.traverse.TopologicalOrderIterator;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The jobs of a project and their {@code after} edges. An edge runs from a dependency to its dependent, the
 * direction in which jobs start; stopping runs the other way. Built on jgrapht.
 */
public final class JobGraph {

    /** One edge: {@code dependent} waits for {@code dependency} to reach {@code condition}. */
    public record Edge(String dependency, String dependent, Condition condition) {
    }

    private final Graph<String, Edge> graph;
    private final List<String> order;
    /** Each job's place in file order: sorting by it is linear-ish, where order.indexOf was quadratic. */
    private final Map<String, Integer> position = new HashMap<>();
    private final Comparator<String> inOrder = Comparator.comparingInt(position::get);

    private JobGraph(Graph<String, Edge> graph, List<String> order) {
        this.graph = graph;
        this.order = order;
        for (int i = 0; i < order.size(); i++) {
            position.put(order.get(i), i);
        }
    }

    /**
     * The graph of these jobs (in file order). Edges to jobs that are not in the map are left out: the
     * project validator reports them.
     */
    public static JobGraph of(Map<String, JobSpec> jobs) {
        Graph<String, Edge> graph = GraphTypeBuilder.<String, Edge>directed()
                .allowingSelfLoops(true).allowingMultipleEdges(false).weighted(false)
                .edgeClass(Edge.class).buildGraph();
        jobs.keySet().forEach(graph::addVertex);
        for (JobSpec spec : jobs.values()) {
            for (Dependency d : spec.after()) {
                if (graph.containsVertex(d.job())) {
                    JobSpec target = jobs.get(d.job());
                    Condition condition = d.settled(target.oneshot()).condition();
                    graph.addEdge(d.job(), spec.name(), new Edge(d.job(), spec.name(), condition));
                }
            }
        }
        return new JobGraph(graph, List.copyOf(jobs.keySet()));
    }

    public List<String> jobs() {
        return order;
    }

    public List<Edge> edges() {
        List<Edge> edges = new ArrayList<>(graph.edgeSet());
        edges.sort(Comparator.comparing(Edge::dependent, inOrder).thenComparing(Edge::dependency, inOrder));
        return edges;
    }

    /** The edges into a job: what it waits for. */
    public List<Edge> dependenciesOf(String job) {
        return graph.incomingEdgesOf(job).stream()
                .sorted(Comparator.comparing(Edge::dependency, inOrder)).toList();
    }

    /** The edges out of a job: who waits for it. */
    public List<Edge> dependentsOf(String job) {
        return graph.outgoingEdgesOf(job).stream()
                .sorted(Comparator.comparing(Edge::dependent, inOrder)).toList();
    }

    /**
     * Each dependency cycle once, as the path of waits that closes it ({@code [db, server, db]}: db waits for
     * server, which waits for db). One shortest cycle is named per strongly connected set of jobs.
     */
    public List<List<String>> cycles() {
        List<List<String>> cycles = new ArrayList<>();
        for (Set<String> component : new KosarajuStrongConnectivityInspector<>(graph).stronglyConnectedSets()) {
            String first = component.stream().min(inOrder).orElseThrow();
            if (component.size() == 1 && !graph.containsEdge(first, first)) {
                continue;
            }
            cycles.add(shortestCycleThrough(first));
        }
        cycles.sort(Comparator.comparing(List::getFirst, inOrder));
        return cycles;
    }

    private List<String> shortestCycleThrough(String job) {
        if (graph.containsEdge(job, job)) {
            return List.of(job, job);
        }
        // Following waits from `job` means walking edges backwards: from a dependent to its dependency.
        Graph<String, Edge> waits = new EdgeReversedGraph<>(graph);
        List<String> best = null;
        for (Edge e : graph.incomingEdgesOf(job)) {
            var path = BFSShortestPath.findPathBetween(waits, e.dependency(), job);
            if (path != null && (best == null || path.getLength() + 1 < best.size())) {
                List<String> cycle = new ArrayList<>();
                cycle.add(job);
                cycle.addAll(path.getVertexList());
                best = cycle;
            }
        }
        return best;
    }

    /**
     * Whether {@code job} waits for {@code other}, directly or through other jobs. Stops at the first sight
     * of it: a direct dependency is found at once, not after walking a long chain of ancestors.
     */
    public boolean dependsOn(String job, String other) {
        Set<String> seen = new HashSet<>();
        List<String> todo = new ArrayList<>(List.of(job));
        while (!todo.isEmpty()) {
            for (Edge e : graph.incomingEdgesOf(todo.removeLast())) {
                if (e.dependency().equals(other)) {
                    return true;
                }
                if (seen.add(e.dependency())) {
                    todo.add(e.dependency());
                }
            }
        }
        return false;
    }

    /** Every job that {@code job} waits for, directly or not. */
    public Set<String> ancestors(String job) {
        Set<String> seen = new LinkedHashSet<>();
        List<String> todo = new ArrayList<>(List.of(job));
        while (!todo.isEmpty()) {
            for (Edge e : graph.incomingEdgesOf(todo.removeLast())) {
                if (seen.add(e.dependency())) {
                    todo.add(e.dependency());
                }
            }
        }
        return seen;
    }

    /** The selected jobs and everything they wait for, directly or not, in file order. */
    public Set<String> withDependencies(Collection<String> selection) {
        Set<String> all = new LinkedHashSet<>(selection);
        for (String job : selection) {
            all.addAll(ancestors(job));
        }
        return inFileOrder(all);
    }

    /**
     * The jobs in start layers: every job of a layer waits only for jobs of earlier layers, so a layer can
     * start in parallel. Only for an acyclic graph.
     */
    public List<List<String>> layers() {
        return layers(graph.vertexSet());
    }

    /** The start layers of a subset of the jobs; edges to jobs outside it are ignored. */
    public List<List<String>> layers(Collection<String> subset) {
        Set<String> members = Set.copyOf(subset);
        Map<String, Integer> depth = new HashMap<>();
        var topological = new TopologicalOrderIterator<>(graph, inOrder);
        while (topological.hasNext()) {
            String job = topological.next();
            if (!members.contains(job)) {
                continue;
            }
            int d = 0;
            for (Edge e : graph.incomingEdgesOf(job)) {
                if (members.contains(e.dependency())) {
                    d = Math.max(d, depth.get(e.dependency()) + 1);
                }
            }
            depth.put(job, d);
        }
        List<List<String>> layers = new ArrayList<>();
        for (String job : order) {
            if (!depth.containsKey(job)) {
                continue;
            }
            int d = depth.get(job);
            while (layers.size() <= d) {
                layers.add(new ArrayList<>());
            }
            layers.get(d).add(job);
        }
        return layers.stream().map(List::copyOf).toList();
    }

    /** The order to stop a subset in: dependents before their dependencies (start layers reversed). */
    public List<List<String>> stopLayers(Collection<String> subset) {
        List<List<String>> layers = new ArrayList<>(layers(subset));
        Collections.reverse(layers);
        return List.copyOf(layers);
    }

    private Set<String> inFileOrder(Set<String> jobs) {
        Set<String> sorted = new LinkedHashSet<>();
        for (String job : order) {
            if (jobs.contains(job)) {
                sorted.add(job);
            }
        }
        return sorted;
    }
}
