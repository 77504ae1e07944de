#!/usr/bin/env bash
# `bgrun mcp` tool-call latency: the round trip of a `status` tool call, from the client writing the JSON-RPC
# request on the server's stdin to it reading the answer line from its stdout, once the server runs. The
# server is started the way an MCP client starts it (scripts/lib/run-jar.sh ... mcp: C1 + AOT cache, as an
# installed bgrun), with a daemon already running and one job (`nap`, sleep 600). A python3 client (stdlib
# only) speaks MCP over the pipes: initialize (timed: the server builds every tool's schemas first), warm-up
# calls (WARMUP, default 200, dropped), then RUNS (default 500) timed calls, one at a time.
# Target (issue 13): median <= 5 ms. Reports median, p90, p99, min, max and the time to initialize.
# Usage: scripts/bench/mcp-latency.sh   RUNS=N, WARMUP=N, BGRUN_JAR=path/to/bgrun.jar, BENCH_KEEP=1, BENCH_LOG_DIR=DIR.
# Exits 0 whether or not the target is met; non-zero when something fails.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

runs="${RUNS:-500}"
warmup="${WARMUP:-200}"
bench_init mcp-latency
bg run --name nap -- sleep 600 >/dev/null || bench_die "bgrun run failed"

python3 - "$runs" "$warmup" "$bench_repo/scripts/lib/run-jar.sh" "$BGRUN_JAVA_HOME" "$bench_jar" <<'PY'
import json, subprocess, sys, time
runs, warmup, launcher, java_home, jar = int(sys.argv[1]), int(sys.argv[2]), *sys.argv[3:]
server = subprocess.Popen([launcher, java_home, jar, "mcp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
ids = iter(range(1, 1 << 30))

def send(method, params, answer=True):
    message = {"jsonrpc": "2.0", "method": method, "params": params}
    if answer:
        message["id"] = next(ids)
    server.stdin.write(json.dumps(message) + "\n")
    server.stdin.flush()
    while answer:
        reply = json.loads(server.stdout.readline())
        if reply.get("id") == message["id"]:
            if "error" in reply:
                sys.exit(f"mcp-latency: {method} failed: {reply['error']}")
            return reply["result"]

t0 = time.perf_counter()
send("initialize", {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}})
init_ms = (time.perf_counter() - t0) * 1000
send("notifications/initialized", {}, answer=False)
call = {"name": "status", "arguments": {"job": "nap"}}
for _ in range(warmup):
    result = send("tools/call", call)
if result.get("isError") or result["structuredContent"]["name"] != "nap":
    sys.exit(f"mcp-latency: status answered {result}")
samples = []
for _ in range(runs):
    t = time.perf_counter()
    send("tools/call", call)
    samples.append((time.perf_counter() - t) * 1000)
server.stdin.close()
server.wait(timeout=60)
samples.sort()
pick = lambda q: samples[min(len(samples) - 1, int(q * len(samples)))]
median = pick(0.5)
print(f"initialize (server start to its answer): {init_ms:.0f} ms")
print(f"status tool call, {runs} calls after {warmup} warm-up: median {median:.2f} ms, p90 {pick(0.9):.2f}, "
      f"p99 {pick(0.99):.2f}, min {samples[0]:.2f}, max {samples[-1]:.2f}")
print(f"target median <= 5 ms: {'met' if median <= 5 else 'NOT met'}")
PY
bg stop nap >/dev/null
