package dev.bgrun.orchestrator.graph;

import dev.bgrun.orchestrator.config.Condition;
import dev.bgrun.orchestrator.config.Dependency;
import dev.bgrun.orchestrator.config.JobSpec;
import org.jgrapht.Graph;
import org.jgrapht.alg.connectivity.KosarajuStrongConnectivityInspector;
import org.jgrapht.alg.shortestpath.BFSShortestPath;
import org.jgrapht.graph.EdgeReversedGraph;
import org.jgrapht.graph.builder.GraphTypeBuilder;

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
 * direction in which jobs start; stopping runs the other way.
 *
 * <p>The edges are kept in plain lists per job, indexed by file order: loading a 10,000-job file walks them
 * several times, and a general graph (jgrapht's, with a hash lookup per edge endpoint) cost a few hundred
 * milliseconds there in the CLI's C1-only JVM. jgrapht is still what names cycles (strongly connected sets,
 * shortest paths), built only when a topological pass has found that there is one.
 */
public final class JobGraph {

    /** One edge: {@code dependent} waits for {@code dependency} to reach {@code condition}. */
    public record Edge(String dependency, String dependent, Condition condition) {
    }

    private final List<String> order;
    /** Each job's place in file order. */
    private final Map<String, Integer> position;
    /** Per job (by place): the edges into it, in the file order of their dependencies. */
    private final List<List<Edge>> incoming;
    /** Per job (by place): the edges out of it, in the file order of their dependents. */
    private final List<List<Edge>> outgoing;
    private final Comparator<String> inOrder;
    /** The start layers of the whole graph, computed once; null until asked for. */
    private List<List<String>> layers;
    /** Whether a topological pass found a cycle; null until one has run. */
    private Boolean cyclic;

    private JobGraph(List<String> order, Map<String, Integer> position, List<List<Edge>> incoming,
                     List<List<Edge>> outgoing) {
        this.order = order;
        this.position = position;
        this.incoming = incoming;
        this.outgoing = outgoing;
        this.inOrder = Comparator.comparingInt(position::get);
    }

    /**
     * The graph of these jobs (in file order). Edges to jobs that are not in the map are left out: the
     * project validator reports them. A dependency named twice is one edge, the first.
     */
    public static JobGraph of(Map<String, JobSpec> jobs) {
        List<String> order = List.copyOf(jobs.keySet());
        Map<String, Integer> position = HashMap.newHashMap(order.size());
        List<List<Edge>> incoming = new ArrayList<>(order.size());
        List<List<Edge>> outgoing = new ArrayList<>(order.size());
        for (int i = 0; i < order.size(); i++) {
            position.put(order.get(i), i);
            incoming.add(new ArrayList<>(0));
            outgoing.add(new ArrayList<>(0));
        }
        for (JobSpec spec : jobs.values()) {
            List<Dependency> after = spec.after();
            if (after.isEmpty()) {
                continue;
            }
            int dependent = position.get(spec.name());
            Set<String> seen = after.size() > 1 ? new HashSet<>() : null;
            for (Dependency d : after) {
                Integer dependency = position.get(d.job());
                if (dependency == null || seen != null && !seen.add(d.job())) {
                    continue;
                }
                Condition condition = d.settled(jobs.get(d.job()).oneshot()).condition();
                Edge edge = new Edge(d.job(), spec.name(), condition);
                incoming.get(dependent).add(edge);
                // Dependents are visited in file order, so each outgoing list is built sorted.
                outgoing.get(dependency).add(edge);
            }
            incoming.get(dependent).sort(Comparator.comparingInt(e -> position.get(e.dependency())));
        }
        return new JobGraph(order, position, incoming, outgoing);
    }

    public List<String> jobs() {
        return order;
    }

    public List<Edge> edges() {
        List<Edge> edges = new ArrayList<>();
        incoming.forEach(edges::addAll);
        return edges;
    }

    /** The edges into a job: what it waits for. */
    public List<Edge> dependenciesOf(String job) {
        return List.copyOf(incoming.get(place(job)));
    }

    /** The edges out of a job: who waits for it. */
    public List<Edge> dependentsOf(String job) {
        return List.copyOf(outgoing.get(place(job)));
    }

    private int place(String job) {
        Integer place = position.get(job);
        if (place == null) {
            throw new IllegalArgumentException("no job \"" + job + "\" in the graph");
        }
        return place;
    }

    /**
     * Each dependency cycle once, as the path of waits that closes it ({@code [db, server, db]}: db waits for
     * server, which waits for db). One shortest cycle is named per strongly connected set of jobs.
     */
    public List<List<String>> cycles() {
        if (!cyclic()) {
            return List.of();
        }
        Graph<String, Edge> graph = jgrapht();
        List<List<String>> cycles = new ArrayList<>();
        for (Set<String> component : new KosarajuStrongConnectivityInspector<>(graph).stronglyConnectedSets()) {
            String first = component.stream().min(inOrder).orElseThrow();
            if (component.size() == 1 && !graph.containsEdge(first, first)) {
                continue;
            }
            cycles.add(shortestCycleThrough(graph, first));
        }
        cycles.sort(Comparator.comparing(List::getFirst, inOrder));
        return cycles;
    }

    /** Whether some job waits for itself, directly or through others: a topological pass that cannot finish. */
    private boolean cyclic() {
        if (cyclic == null) {
            List<List<String>> all = layersOf(null);
            cyclic = all == null;
            layers = all;
        }
        return cyclic;
    }

    /** The graph as jgrapht's, for the search of cycles; edges added in the order the file lists them. */
    private Graph<String, Edge> jgrapht() {
        Graph<String, Edge> graph = GraphTypeBuilder.<String, Edge>directed()
                .allowingSelfLoops(true).allowingMultipleEdges(false).weighted(false)
                .edgeClass(Edge.class).buildGraph();
        order.forEach(graph::addVertex);
        for (List<Edge> edges : incoming) {
            edges.forEach(e -> graph.addEdge(e.dependency(), e.dependent(), e));
        }
        return graph;
    }

    private static List<String> shortestCycleThrough(Graph<String, Edge> graph, String job) {
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
        for (Edge e : incoming.get(place(job))) {
            if (e.dependency().equals(other)) {
                return true; // a direct dependency, as most ${job.VAR} references name: no walk, no allocation
            }
        }
        Set<String> seen = new HashSet<>();
        List<String> todo = new ArrayList<>(List.of(job));
        while (!todo.isEmpty()) {
            for (Edge e : incoming.get(place(todo.removeLast()))) {
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
            for (Edge e : incoming.get(place(todo.removeLast()))) {
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
        if (cyclic()) {
            throw new IllegalStateException("the job graph has a cycle: it has no start layers");
        }
        return layers;
    }

    /** The start layers of a subset of the jobs; edges to jobs outside it are ignored. */
    public List<List<String>> layers(Collection<String> subset) {
        List<List<String>> subsetLayers = layersOf(subset);
        if (subsetLayers == null) {
            throw new IllegalStateException("these jobs wait for each other in a cycle: they have no start layers");
        }
        return subsetLayers;
    }

    /**
     * The start layers of the jobs in {@code subset} (all when null), or null when they wait for each other
     * in a cycle. A job's layer is the longest chain of waits below it (Kahn's topological sort), and each
     * layer lists its jobs in file order.
     */
    private List<List<String>> layersOf(Collection<String> subset) {
        int n = order.size();
        boolean[] member = new boolean[n];
        int members = 0;
        if (subset == null) {
            java.util.Arrays.fill(member, true);
            members = n;
        } else {
            for (String job : subset) {
                Integer place = position.get(job);
                if (place != null && !member[place]) {
                    member[place] = true;
                    members++;
                }
            }
        }
        int[] waitingFor = new int[n];
        int[] depth = new int[n];
        int[] queue = new int[members];
        int tail = 0;
        for (int i = 0; i < n; i++) {
            if (!member[i]) {
                continue;
            }
            for (Edge e : incoming.get(i)) {
                if (member[position.get(e.dependency())]) {
                    waitingFor[i]++;
                }
            }
            if (waitingFor[i] == 0) {
                queue[tail++] = i;
            }
        }
        int maxDepth = -1;
        for (int head = 0; head < tail; head++) {
            int job = queue[head];
            maxDepth = Math.max(maxDepth, depth[job]);
            for (Edge e : outgoing.get(job)) {
                int dependent = position.get(e.dependent());
                if (member[dependent]) {
                    depth[dependent] = Math.max(depth[dependent], depth[job] + 1);
                    if (--waitingFor[dependent] == 0) {
                        queue[tail++] = dependent;
                    }
                }
            }
        }
        if (tail < members) {
            return null;
        }
        List<List<String>> byDepth = new ArrayList<>(maxDepth + 1);
        for (int d = 0; d <= maxDepth; d++) {
            byDepth.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            if (member[i]) {
                byDepth.get(depth[i]).add(order.get(i));
            }
        }
        List<List<String>> result = new ArrayList<>(byDepth.size());
        byDepth.forEach(layer -> result.add(List.copyOf(layer)));
        return List.copyOf(result);
    }

    /** The order to stop a subset in: dependents before their dependencies (start layers reversed). */
    public List<List<String>> stopLayers(Collection<String> subset) {
        List<List<String>> stop = new ArrayList<>(layers(subset));
        Collections.reverse(stop);
        return List.copyOf(stop);
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
